from odoo import fields, models


class PsaException(models.Model):
    _inherit = "psa.exception"

    kind = fields.Selection(
        selection_add=[("staffing_at_risk", "Staffing at risk")],
        ondelete={"staffing_at_risk": "cascade"},
    )
