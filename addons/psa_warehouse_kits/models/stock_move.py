from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    psa_kit_line_id = fields.Many2one(
        "psa.kit.request.line",
        string="Kit Request Line",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )

    def _action_assign(self, force_qty=False):
        res = super()._action_assign(force_qty=force_qty)
        # reservation, whenever it happens (approval, receipt, manual "Check
        # Availability"), moves the request to reserved and closes its shortage
        self.psa_kit_line_id.request_id._sync_reservation()
        return res

    def _do_unreserve(self):
        res = super()._do_unreserve()
        self.psa_kit_line_id.request_id._sync_reservation()
        return res
