from odoo import fields, models


class AccountMove(models.Model):
    """Invoices drafted from "Ready to Bill" are marked as such."""

    _inherit = "account.move"

    psa_billing_draft = fields.Boolean(
        string="Drafted by Billing",
        readonly=True,
        copy=False,
        help="Drafted from Ready to Bill: holds only ready lines up to the cutoff.",
    )
