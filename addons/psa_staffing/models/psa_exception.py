from odoo import fields, models


class PsaException(models.Model):
    _inherit = "psa.exception"

    kind = fields.Selection(
        selection_add=[
            ("staffing_at_risk", "Staffing at risk"),
            ("allocation_leave_conflict", "Allocation over time off"),
            ("timesheet_anomaly", "Timesheet anomaly"),
            ("allocation_ending", "Allocation ending without follow-on"),
            ("allocation_actuals", "Timesheets far from the booking"),
            ("timesheet_missing", "Timesheets missing"),
        ],
        ondelete={
            "staffing_at_risk": "cascade",
            "allocation_leave_conflict": "cascade",
            "timesheet_anomaly": "cascade",
            "allocation_ending": "cascade",
            "allocation_actuals": "cascade",
            "timesheet_missing": "cascade",
        },
    )
