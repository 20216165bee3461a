from odoo import fields, models


class PsaException(models.Model):
    _inherit = "psa.exception"

    kind = fields.Selection(
        selection_add=[("billing_blocker", "Billing blocker")],
        ondelete={"billing_blocker": "cascade"},
    )
