from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    psa_webhook_retention_days = fields.Integer(
        string="Keep Delivered Webhooks (days)",
        config_parameter="psa_integration.retention_days",
        default=30,
    )

    def action_open_webhook_endpoints(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "psa_integration.psa_webhook_endpoint_action"
        )
