from odoo import api, fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    psa_kit_line_id = fields.Many2one(
        "psa.kit.request.line",
        string="Kit Request Line",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )

    @api.model
    def _prepare_merge_moves_distinct_fields(self):
        """Two lines of a request with the same product (say one billable,
        one expense) stay two moves: each carries its line's treatment."""
        return super()._prepare_merge_moves_distinct_fields() + ["psa_kit_line_id"]

    def _prepare_move_split_vals(self, qty):
        """A backorder still serves its kit line (the field is not copied,
        so that a duplicated transfer serves no request)."""
        vals = super()._prepare_move_split_vals(qty)
        if self.psa_kit_line_id:
            vals["psa_kit_line_id"] = self.psa_kit_line_id.id
        return vals

    def _psa_kit_origin_line(self):
        """The kit line this move delivers, or whose delivery it returns."""
        self.ensure_one()
        return self.psa_kit_line_id or self.origin_returned_move_id.psa_kit_line_id

    def _action_assign(self, force_qty=False):
        self.filtered("psa_kit_line_id")._psa_lock_quants()
        res = super()._action_assign(force_qty=force_qty)
        # reservation, whenever it happens (approval, receipt, manual "Check
        # Availability"), moves the request to reserved and closes its shortage
        self.psa_kit_line_id.request_id._sync_reservation()
        return res

    def _psa_lock_quants(self):
        """Lock the stock of these moves' products before reserving.

        Odoo reserves on a quant taken ``FOR NO KEY UPDATE SKIP LOCKED`` and
        creates a new quant when the one it wants is locked, so two requests
        reserving at the same instant both see the stock free and reserve it
        twice. Locked here first, the second one waits; once the first
        commits, its quant changed, so the second fails to serialize and is
        retried (as Odoo's RPC layer does) on fresh figures.
        """
        if not self.product_id:
            return
        self.env["stock.quant"].flush_model()
        self.env.cr.execute(
            """
            SELECT quant.id
              FROM stock_quant quant
              JOIN stock_location location ON location.id = quant.location_id
             WHERE quant.product_id IN %s AND location.usage = 'internal'
          ORDER BY quant.id
               FOR NO KEY UPDATE OF quant
            """,
            [tuple(self.product_id.ids)],
        )

    def _do_unreserve(self):
        res = super()._do_unreserve()
        self.psa_kit_line_id.request_id._sync_reservation()
        return res
