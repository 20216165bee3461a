from odoo import _, api, fields, models


class StockPicking(models.Model):
    """Kit deliveries: the request they serve, and dispatch approval.

    A kit delivery holding serialized or high-value items is approvable
    (rules on Transfer in the matrix); its own *Validate* button is gated:
    the first click submits it, the click after approval validates. An
    emergency release (where the rule allows it) lets the warehouse validate
    at once, with a post-event review.
    """

    _name = "stock.picking"
    _inherit = ["stock.picking", "psa.approval.mixin"]

    _approval_amount_field = "psa_kit_value"
    _approval_currency_field = False
    _approval_date_field = "scheduled_date"

    psa_kit_request_id = fields.Many2one(
        related="group_id.psa_kit_request_id",
        store=True,
        index="btree_not_null",
        string="Kit Request",
    )
    psa_kit_value = fields.Float(
        string="Kit Value at Cost",
        compute="_compute_psa_kit_value",
        help="Value at cost of the kit items this transfer carries.",
    )

    @api.depends("move_ids.product_uom_qty", "move_ids.psa_kit_line_id.unit_cost")
    def _compute_psa_kit_value(self):
        for picking in self:
            picking.psa_kit_value = sum(
                move.product_uom_qty * move.psa_kit_line_id.unit_cost
                for move in picking.move_ids
                if move.psa_kit_line_id
            )

    def _approval_gate_applies(self):
        """Kit deliveries, unless released in an emergency."""
        return self.filtered(
            lambda p: (
                p.psa_kit_request_id
                and p.picking_type_code == "outgoing"
                and not p.approval_emergency
            )
        )

    def button_validate(self):
        ready = self._approval_gate()
        waiting = self - ready
        if waiting:
            self.env["bus.bus"]._sendone(
                self.env.user.partner_id,
                "simple_notification",
                {
                    "type": "warning",
                    "title": _("Dispatch approval requested"),
                    "message": _(
                        "%(pickings)s must be approved before dispatch.",
                        pickings=", ".join(waiting.mapped("name")),
                    ),
                },
            )
        return super(StockPicking, ready).button_validate() if ready else False

    def _on_approval_granted(self):
        """Tell the one who asked that the dispatch may go."""
        for picking in self.sudo().filtered("approval_requested_by_id"):
            picking.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Dispatch approved: validate %s", picking.name),
                user_id=picking.approval_requested_by_id.id,
            )

    def _action_done(self):
        loans = self.env["psa.kit.loan"].sudo()
        returns = self.filtered(
            lambda p: (
                p.picking_type_code == "incoming"
                and p.move_ids.origin_returned_move_id.psa_kit_line_id
            )
        )
        for receipt in returns:
            loans._check_return(receipt)
        # billable items need their order before they leave: nothing half-done
        self.filtered(
            lambda p: p.picking_type_code == "outgoing"
        ).psa_kit_request_id._check_billable_sale_order()
        res = super()._action_done()
        done = self.filtered(lambda p: p.state == "done")
        outgoing = done.filtered(lambda p: p.picking_type_code == "outgoing")
        loans._create_from_deliveries(outgoing.move_ids.filtered("psa_kit_line_id"))
        outgoing.psa_kit_request_id._on_delivery_done()
        loans._register_returns(returns & done)
        self.env["psa.kit.request"]._post_kit_money(done.move_ids)
        return res
