from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class PsaSubcontractRequest(models.Model):
    """Buying a service for a project from a subcontractor. Approved through
    the matrix (a rule on "Regulated Client" can add procurement, legal and
    security steps); approval drafts the purchase order."""

    _name = "psa.subcontract.request"
    _inherit = ["mail.thread", "mail.activity.mixin", "psa.approval.mixin"]
    _description = "Subcontractor Request"
    _order = "id desc"

    _approval_guarded_fields = ["partner_id", "product_id", "hours", "price_unit"]
    _approval_inject_form = True

    name = fields.Char(string="Subject", required=True, tracking=True)
    project_id = fields.Many2one(
        "project.project", required=True, index=True, tracking=True
    )
    client_id = fields.Many2one(
        related="project_id.partner_id", string="Client", store=True
    )
    client_regulated = fields.Boolean(
        related="project_id.partner_id.psa_regulated",
        string="Regulated Client",
        store=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Subcontractor", required=True, tracking=True
    )
    product_id = fields.Many2one(
        "product.product",
        string="Service",
        required=True,
        domain=[("type", "=", "service"), ("purchase_ok", "=", True)],
    )
    hours = fields.Float(required=True, tracking=True)
    price_unit = fields.Monetary(string="Hourly Rate", required=True, tracking=True)
    amount = fields.Monetary(compute="_compute_amount", store=True)
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    justification = fields.Text(required=True)
    user_id = fields.Many2one(
        "res.users", string="Requester", default=lambda self: self.env.user
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        precompute=True,
        required=True,
        index=True,
    )
    purchase_order_id = fields.Many2one("purchase.order", readonly=True, copy=False)

    @api.depends("project_id")
    def _compute_company_id(self):
        for request in self:
            request.company_id = request.project_id.company_id or self.env.company

    @api.depends("hours", "price_unit")
    def _compute_amount(self):
        for request in self:
            request.amount = request.hours * request.price_unit

    @api.constrains("hours", "price_unit")
    def _check_quantities(self):
        for request in self:
            if request.hours <= 0:
                raise ValidationError(_("Hours must be more than zero."))
            if request.price_unit < 0:
                raise ValidationError(_("Hourly Rate cannot be negative."))

    def write(self, vals):
        if self.filtered("purchase_order_id") and set(vals) & set(
            self._approval_guarded_fields
        ):
            raise UserError(
                _("The purchase order exists: change it rather than the request.")
            )
        return super().write(vals)

    def _on_approval_granted(self):
        """Draft the purchase order, charged to the project's analytic account.

        Runs as the last approver, who may hold no purchase rights: the
        approval is the authorisation, so the order is written with sudo."""
        orders = (
            self.env["purchase.order"]
            .sudo()
            .create([request._prepare_purchase_order_vals() for request in self])
        )
        for request, order in zip(self.sudo(), orders, strict=True):
            request.purchase_order_id = order
            request.message_post(
                body=Markup("%s %s")
                % (_("Approved: request for quotation"), order._get_html_link())
            )

    def _prepare_purchase_order_vals(self):
        self.ensure_one()
        account = self.project_id.analytic_account_id
        return {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "origin": self.name,
            "order_line": [
                (
                    0,
                    0,
                    {
                        "product_id": self.product_id.id,
                        "name": f"{self.product_id.display_name}: {self.name}",
                        "product_qty": self.hours,
                        "price_unit": self.price_unit,
                        "analytic_distribution": {str(account.id): 100}
                        if account
                        else False,
                    },
                )
            ],
        }

    def action_view_purchase_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "purchase.order",
            "res_id": self.purchase_order_id.id,
            "view_mode": "form",
        }
