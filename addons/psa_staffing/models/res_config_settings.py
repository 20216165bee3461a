from odoo import fields, models


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
