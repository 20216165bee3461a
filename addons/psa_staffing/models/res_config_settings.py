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
    psa_staffing_watch_max_daily_hours = fields.Float(
        string="Anomaly above hours a day",
        config_parameter="psa_staffing.watch_max_daily_hours",
        default=12.0,
    )
    psa_staffing_watch_ending_days = fields.Integer(
        string="Allocations ending within days",
        config_parameter="psa_staffing.watch_ending_days",
        default=14,
    )
    psa_staffing_watch_actuals_variance_percent = fields.Integer(
        string="Timesheets off the booking by %",
        config_parameter="psa_staffing.watch_actuals_variance_percent",
        default=30,
    )

    @api.constrains(
        "psa_staffing_watch_max_daily_hours",
        "psa_staffing_watch_ending_days",
        "psa_staffing_watch_actuals_variance_percent",
    )
    def _check_psa_staffing_watch(self):
        for settings in self:
            if not 0 < settings.psa_staffing_watch_max_daily_hours <= 24:
                raise ValidationError(
                    _(
                        "Anomaly above hours a day must be more than 0 and at "
                        "most 24, not %(value)s.",
                        value=settings.psa_staffing_watch_max_daily_hours,
                    )
                )
            if settings.psa_staffing_watch_ending_days < 0:
                raise ValidationError(
                    _(
                        "Allocations ending within days cannot be negative "
                        "(%(value)s).",
                        value=settings.psa_staffing_watch_ending_days,
                    )
                )
            if settings.psa_staffing_watch_actuals_variance_percent <= 0:
                raise ValidationError(
                    _(
                        "Timesheets off the booking by %% must be positive, not "
                        "%(value)s.",
                        value=settings.psa_staffing_watch_actuals_variance_percent,
                    )
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

    def set_values(self):
        """The capacity check is an Automation Rule: its domains carry the
        threshold, so saving the setting rewrites them."""
        res = super().set_values()
        rule = self.env.ref(
            "psa_staffing.base_automation_lead_capacity_check", raise_if_not_found=False
        )
        if rule:
            threshold = self.psa_staffing_capacity_check_probability
            rule.sudo().write(
                {
                    "filter_pre_domain": f"[('probability', '<', {threshold})]",
                    "filter_domain": (
                        f"[('probability', '>=', {threshold}), "
                        "('stage_id.is_won', '=', False), "
                        "('staffing_plan_line_ids', '!=', False)]"
                    ),
                }
            )
        return res
