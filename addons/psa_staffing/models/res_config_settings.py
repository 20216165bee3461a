from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    psa_staffing_approval_load_percent = fields.Integer(
        string="Approval above load %",
        config_parameter="psa_staffing.approval_load_percent",
        default=85,
    )
    psa_staffing_capacity_check_probability = fields.Integer(
        string="Capacity check at probability %",
        config_parameter="psa_staffing.capacity_check_probability",
        default=70,
    )
    psa_staffing_compliance_window_days = fields.Integer(
        string="Timesheet compliance window (working days)",
        config_parameter="psa_staffing.compliance_window_days",
        default=5,
    )
    psa_staffing_compliance_escalation_days = fields.Integer(
        string="Escalate after missing days",
        config_parameter="psa_staffing.compliance_escalation_days",
        default=3,
    )
    psa_staffing_compliance_tolerance_hours = fields.Float(
        string="Timesheet tolerance (hours per day)",
        config_parameter="psa_staffing.compliance_tolerance_hours",
        default=0.5,
    )

    @api.constrains(
        "psa_staffing_compliance_window_days",
        "psa_staffing_compliance_escalation_days",
        "psa_staffing_compliance_tolerance_hours",
    )
    def _check_psa_staffing_compliance(self):
        for settings in self:
            window = settings.psa_staffing_compliance_window_days
            escalation = settings.psa_staffing_compliance_escalation_days
            if window < 1:
                raise ValidationError(
                    _(
                        "Timesheet compliance window (working days) must be at"
                        " least 1, not %(value)s.",
                        value=window,
                    )
                )
            if not 1 <= escalation <= window:
                raise ValidationError(
                    _(
                        "Escalate after missing days must be between 1 and the"
                        " compliance window (%(window)s), not %(value)s.",
                        window=window,
                        value=escalation,
                    )
                )
            if settings.psa_staffing_compliance_tolerance_hours < 0:
                raise ValidationError(
                    _(
                        "Timesheet tolerance (hours per day) cannot be negative,"
                        " not %(value)s.",
                        value=settings.psa_staffing_compliance_tolerance_hours,
                    )
                )
