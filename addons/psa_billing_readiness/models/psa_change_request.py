from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

CHANGE_TYPES = [
    ("scope", "Scope"),
    ("budget", "Budget"),
    ("schedule", "Schedule"),
]


class PsaChangeRequest(models.Model):
    """A change of scope, budget or schedule agreed with the client, priced
    and approved through the matrix (amount: its price). Approval applies
    it: a priced line added to the order, a milestone for a new date, the
    project's allocated hours raised. Open, it blocks the order's readiness."""

    _name = "psa.change.request"
    _inherit = ["mail.thread", "mail.activity.mixin", "psa.approval.mixin"]
    _description = "Change Request"
    _order = "id desc"

    _approval_amount_field = "amount"
    _approval_amount_unit = "money"
    _approval_guarded_fields = ["hours", "amount", "sale_order_id", "change_type"]
    _approval_inject_form = True

    name = fields.Char(string="Title", required=True, tracking=True)
    project_id = fields.Many2one(
        "project.project", required=True, index=True, tracking=True
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        index=True,
        tracking=True,
        domain="[('state', '=', 'sale')]",
    )
    change_type = fields.Selection(
        CHANGE_TYPES, string="Type", required=True, default="scope", tracking=True
    )
    description = fields.Text(required=True)
    justification = fields.Text(required=True)
    hours = fields.Float(tracking=True, help="Hours added to the project's budget.")
    amount = fields.Monetary(
        tracking=True, help="Price of the change, added to the sale order."
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        precompute=True,
    )
    product_id = fields.Many2one(
        "product.product",
        domain="[('type', '=', 'service'), ('sale_ok', '=', True)]",
        help="Service sold for the change on the order's new line.",
    )
    milestone_date = fields.Date(
        string="New Milestone Date",
        help="For a schedule change: approval adds a milestone on this date.",
    )
    client_evidence = fields.Text(
        string="Client Approval Evidence",
        help="Where the client agreed to the change: email, minutes, signed form.",
    )
    attachment_ids = fields.Many2many("ir.attachment", string="Evidence Files")
    company_id = fields.Many2one(
        related="project_id.company_id", store=True, index=True, precompute=True
    )
    applied_on = fields.Datetime(readonly=True, copy=False)
    sale_line_id = fields.Many2one(
        "sale.order.line", string="Added Order Line", readonly=True, copy=False
    )
    milestone_id = fields.Many2one(
        "project.milestone", string="Added Milestone", readonly=True, copy=False
    )

    @api.depends("sale_order_id.currency_id", "project_id.company_id")
    def _compute_currency_id(self):
        for request in self:
            request.currency_id = (
                request.sale_order_id.currency_id
                or request.project_id.company_id.currency_id
                or self.env.company.currency_id
            )

    @api.constrains("hours", "amount", "product_id", "sale_order_id", "change_type")
    def _check_values(self):
        for request in self:
            if request.hours < 0:
                raise ValidationError(_("Hours of a change cannot be negative."))
            if request.amount < 0:
                raise ValidationError(_("Amount of a change cannot be negative."))
            if request.amount and not request.sale_order_id:
                raise ValidationError(
                    _("A priced change needs the Sale Order it is added to.")
                )
            if request.amount and not request.product_id:
                raise ValidationError(
                    _("A priced change needs the Product sold on the new line.")
                )
            if request.change_type == "schedule" and not request.milestone_date:
                raise ValidationError(
                    _("A schedule change needs its New Milestone Date.")
                )
            order = request.sale_order_id
            if order and order.partner_id.commercial_partner_id != (
                request.project_id.partner_id.commercial_partner_id
                or order.partner_id.commercial_partner_id
            ):
                raise ValidationError(
                    _("The Sale Order must be the project's customer's.")
                )

    def unlink(self):
        """An applied change request stays: what it added to the order is billed
        against it."""
        if self.filtered("applied_on"):
            raise UserError(_("An applied change request cannot be deleted."))
        return super().unlink()

    def write(self, vals):
        if self.filtered("applied_on") and set(vals) & set(
            self._approval_guarded_fields
        ):
            raise UserError(
                _("An applied change request cannot change: raise a new one.")
            )
        return super().write(vals)

    def _on_approval_granted(self):
        """Apply the change: the priced line on the order, the milestone for
        a new date, the hours on the project; posted on both."""
        for request in self.sudo().filtered(lambda r: not r.applied_on):
            vals = {"applied_on": fields.Datetime.now()}
            if request.amount:
                qty = request.hours or 1.0
                vals["sale_line_id"] = (
                    self.env["sale.order.line"]
                    .sudo()
                    .create(
                        {
                            "order_id": request.sale_order_id.id,
                            "product_id": request.product_id.id,
                            "name": _("Change request: %(name)s", name=request.name),
                            "product_uom_qty": qty,
                            "price_unit": request.amount / qty,
                        }
                    )
                    .id
                )
            if request.change_type == "schedule":
                vals["milestone_id"] = (
                    self.env["project.milestone"]
                    .sudo()
                    .create(
                        {
                            "name": request.name,
                            "project_id": request.project_id.id,
                            "deadline": request.milestone_date,
                            "sale_line_id": vals.get("sale_line_id", False),
                        }
                    )
                    .id
                )
            if request.hours:
                project = request.project_id
                project.allocated_hours = project.allocated_hours + request.hours
            request.write(vals)
            request._post_on_targets(
                _(
                    "Change request %(name)s approved and applied: %(hours)s h, "
                    "%(amount)s %(currency)s.",
                    name=request.name,
                    hours=request.hours,
                    amount=request.amount,
                    currency=request.currency_id.name,
                )
            )
        self.sale_order_id._psa_refresh_readiness()

    def _on_approval_rejected(self):
        for request in self.sudo():
            reason = request.approval_review_ids.filtered(
                lambda r: r.state == "rejected"
            )[:1].comment
            request._post_on_targets(
                _(
                    "Change request %(name)s rejected: %(reason)s",
                    name=request.name,
                    reason=reason or "",
                )
            )
        self.sale_order_id._psa_refresh_readiness()

    def _post_on_targets(self, body):
        """The project and the order show what became of the change."""
        self.ensure_one()
        for target in (self.project_id, self.sale_order_id):
            if target:
                target.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")
