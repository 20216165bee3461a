from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class PsaApprovalDelegation(models.Model):
    """Out-of-office cover: a delegate decides for a user during a date range,
    optionally only for some models or up to an amount. The log says
    "delegate for user"."""

    _name = "psa.approval.delegation"
    _description = "Approval Delegation"
    _order = "date_from desc, id desc"

    user_id = fields.Many2one(
        "res.users",
        string="Delegating User",
        required=True,
        default=lambda self: self.env.user,
        index=True,
    )
    delegate_id = fields.Many2one("res.users", required=True, index=True)
    date_from = fields.Date(required=True, default=fields.Date.context_today)
    date_to = fields.Date(required=True)
    model_ids = fields.Many2many(
        "ir.model",
        string="Only For",
        domain=lambda self: [
            ("model", "in", self.env["psa.approval.rule"]._get_approval_model_names())
        ],
        help="Leave empty to delegate every kind of approval.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    max_amount = fields.Monetary(
        string="Up To Amount",
        currency_field="currency_id",
        help="In company currency; 0 means any amount. Records whose approval "
        "is not measured in money (hours, quantities) are covered whatever "
        "their amount.",
    )
    active = fields.Boolean(default=True)

    @api.constrains("date_from", "date_to", "user_id", "delegate_id", "max_amount")
    def _check_delegation(self):
        for delegation in self:
            if delegation.date_to < delegation.date_from:
                raise ValidationError(
                    _("The End Date must not be before the Start Date.")
                )
            if delegation.delegate_id == delegation.user_id:
                raise ValidationError(_("The Delegate must be someone else."))
            if delegation.max_amount < 0:
                raise ValidationError(_("Up To Amount cannot be negative."))

    @api.model
    def _active_for(self, delegate, model_name):
        """Today's delegations to ``delegate`` that cover ``model_name``."""
        today = fields.Date.context_today(self)
        delegations = self.sudo().search(
            [
                ("delegate_id", "=", delegate.id),
                ("date_from", "<=", today),
                ("date_to", ">=", today),
            ]
        )
        return delegations.filtered(
            lambda d: not d.model_ids or model_name in d.model_ids.mapped("model")
        )

    def _covers_amount(self, record):
        """Whether this delegation's maximum amount allows deciding ``record``."""
        self.ensure_one()
        return (
            not self.max_amount
            or record._approval_amount_unit != "money"
            or record._approval_amount_company() <= self.max_amount
        )

    def _principals(self, delegate, record):
        """Users for whom ``delegate`` may decide on ``record`` today."""
        return (
            self._active_for(delegate, record._name)
            .filtered(lambda d: d._covers_amount(record))
            .user_id
        )
