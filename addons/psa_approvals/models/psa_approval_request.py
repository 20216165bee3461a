from odoo import fields, models


class PsaApprovalRequest(models.Model):
    """A generic approvable request for what no module models yet: a budget
    increase, a discount, a rate exception... like Enterprise's Approvals app."""

    _name = "psa.approval.request"
    _inherit = ["mail.thread", "mail.activity.mixin", "psa.approval.mixin"]
    _description = "Approval Request"
    _order = "id desc"

    _approval_guarded_fields = ["amount", "currency_id", "category", "partner_id"]

    name = fields.Char(string="Subject", required=True, tracking=True)
    category = fields.Selection(
        [
            ("budget_increase", "Budget Increase"),
            ("discount", "Discount"),
            ("rate_exception", "Rate Exception"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
        tracking=True,
    )
    amount = fields.Monetary(currency_field="currency_id", tracking=True)
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", tracking=True)
    reference = fields.Char(
        help="What the request is about elsewhere: a project, an order, a contract."
    )
    description = fields.Html()
    user_id = fields.Many2one(
        "res.users",
        string="Requester",
        default=lambda self: self.env.user,
        required=True,
        index=True,
        tracking=True,
    )

    _sql_constraints = [
        ("amount_positive", "CHECK(amount >= 0)", "The Amount cannot be negative."),
    ]
