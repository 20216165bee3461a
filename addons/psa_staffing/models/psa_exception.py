from odoo import fields, models


class PsaException(models.Model):
    _inherit = "psa.exception"

    kind = fields.Selection(
        selection_add=[
            ("staffing_at_risk", "Staffing at risk"),
            ("timesheet_missing", "Timesheets missing"),
        ],
        ondelete={
            "staffing_at_risk": "cascade",
            "timesheet_missing": "cascade",
        },
    )
