from odoo import api, fields, models


class SaleOrderLine(models.Model):
    """Kit items billed to the client: a line per product of a kit request,
    delivered by the kit's own stock moves, and write-offs billed as lines."""

    _inherit = "sale.order.line"

    psa_kit_request_id = fields.Many2one(
        "psa.kit.request",
        string="Kit Request",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    psa_kit_write_off_id = fields.Many2one(
        "psa.kit.write.off",
        string="Kit Write-off",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )

    @api.depends("psa_kit_write_off_id")
    def _compute_qty_delivered_method(self):
        """A written-off item never leaves stock again: its line is delivered
        by hand (quantity set when billed), not by a stock move."""
        res = super()._compute_qty_delivered_method()
        self.filtered("psa_kit_write_off_id").qty_delivered_method = "manual"
        return res

    def _action_launch_stock_rule(self, previous_product_uom_qty=False):
        """Kit lines were delivered by the kit's own transfer, write-offs by
        nothing: neither ever asks the order's route for another delivery."""
        return super(
            SaleOrderLine,
            self.filtered(
                lambda line: not (line.psa_kit_request_id or line.psa_kit_write_off_id)
            ),
        )._action_launch_stock_rule(previous_product_uom_qty)
