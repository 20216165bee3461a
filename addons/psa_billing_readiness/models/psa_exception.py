from odoo import fields, models


class PsaException(models.Model):
    _inherit = "psa.exception"

    kind = fields.Selection(
        selection_add=[
            ("billing_blocker", "Billing blocker"),
            ("margin_at_risk", "Margin at risk"),
        ],
        ondelete={"billing_blocker": "cascade", "margin_at_risk": "cascade"},
    )
