from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    psa_kit_request_id = fields.Many2one(
        related="group_id.psa_kit_request_id",
        store=True,
        index="btree_not_null",
        string="Kit Request",
    )

    def _action_done(self):
        res = super()._action_done()
        outgoing = self.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing"
        )
        outgoing.psa_kit_request_id._on_delivery_done()
        return res
