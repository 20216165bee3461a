from odoo import _, fields, models


class SaleOrder(models.Model):
    """The kit requests whose billable items are delivered on this order."""

    _inherit = "sale.order"

    psa_kit_request_ids = fields.One2many(
        "psa.kit.request", "sale_order_id", string="Kit Requests", readonly=True
    )
    psa_kit_request_count = fields.Integer(
        string="Kits", compute="_compute_psa_kit_request_count", compute_sudo=True
    )

    def _compute_psa_kit_request_count(self):
        counts = dict(
            self.env["psa.kit.request"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.psa_kit_request_count = counts.get(order._origin, 0)

    def action_view_psa_kit_requests(self):
        """The kit requests of this order."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_warehouse_kits.psa_kit_request_action"
        )
        action["name"] = _("Kit Requests")
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {"default_sale_order_id": self.id}
        return action
