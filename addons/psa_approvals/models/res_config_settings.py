from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    psa_approval_default_sla_hours = fields.Integer(
        string="Default SLA (hours)",
        config_parameter="psa_approvals.default_sla_hours",
        default=24,
    )
    psa_approval_reminder_hours = fields.Integer(
        string="Remind Reviewers Every (hours)",
        config_parameter="psa_approvals.reminder_hours",
        default=24,
    )

    def action_open_approval_matrix(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "psa_approvals.psa_approval_rule_action"
        )

    def action_open_approval_coverage(self):
        return self.env["psa.approval.coverage"].action_open()
