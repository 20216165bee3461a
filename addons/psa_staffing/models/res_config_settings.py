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
