from odoo import fields, models


class PsaException(models.Model):
    _inherit = "psa.exception"

    kind = fields.Selection(
        selection_add=[("kit_stock_shortage", "Kit stock shortage")],
        ondelete={"kit_stock_shortage": "cascade"},
    )
