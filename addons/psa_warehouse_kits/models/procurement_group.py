from odoo import fields, models


class ProcurementGroup(models.Model):
    _inherit = "procurement.group"

    psa_kit_request_id = fields.Many2one(
        "psa.kit.request", string="Kit Request", index=True, readonly=True
    )
