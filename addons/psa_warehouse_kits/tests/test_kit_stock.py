from datetime import timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import PsaKitsCommon


@tagged("post_install", "-at_install")
class TestKitStock(PsaKitsCommon):
    def test_approval_creates_reserved_delivery_to_the_employee(self):
        self._stock(self.dock, 5)
        self._stock(self.laptop, 2, serials=("LAP-001", "LAP-002"))
        request = self._approved([(self.laptop, 1, "returnable"), (self.dock, 2)])
        picking = request.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.picking_type_id, self.warehouse.out_type_id)
        self.assertEqual(picking.location_id, self.stock_location)
        self.assertEqual(
            picking.location_dest_id, self.consultant.partner_id.property_stock_customer
        )
        self.assertEqual(picking.partner_id, self.consultant.partner_id)
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(picking.origin, request.name)
        self.assertEqual(request.state, "reserved")
        self.assertEqual(
            request.line_ids.mapped("availability"), ["reserved", "reserved"]
        )
        self.assertEqual(request.line_ids.mapped("qty_reserved"), [1.0, 2.0])
        self.assertFalse(self._exceptions(request))

    def test_client_site_delivery(self):
        self._stock(self.dock, 1)
        request = self._approved(
            [(self.dock, 1)], destination_type="site", partner_id=self.client_site.id
        )
        self.assertEqual(request.picking_ids.partner_id, self.client_site)
        self.assertEqual(request.state, "reserved")

    def test_shortage_buys_the_rest_and_reserves_on_receipt(self):
        self.dock.write(
            {
                "route_ids": [
                    (4, self.env.ref("purchase_stock.route_warehouse0_buy").id)
                ],
                "seller_ids": [(0, 0, {"partner_id": self.vendor.id, "price": 140.0})],
            }
        )
        self._stock(self.dock, 1)
        request = self._approved([(self.dock, 3)])
        line = request.line_ids
        self.assertEqual(request.state, "approved")
        self.assertTrue(request.shortage)
        self.assertEqual(
            (line.qty_reserved, line.qty_missing, line.availability),
            (1.0, 2.0, "partial"),
        )
        exception = self._exceptions(request)
        self.assertEqual(len(exception), 1)
        self.assertIn("Docking station (2)", exception.name)
        rfq_line = self.env["purchase.order.line"].search(
            [("product_id", "=", self.dock.id), ("order_id.state", "=", "draft")]
        )
        self.assertEqual(rfq_line.order_id.partner_id, self.vendor)
        self.assertEqual(rfq_line.product_qty, 2.0)
        # the goods arrive: Odoo reserves them for the waiting delivery
        rfq_line.order_id.button_confirm()
        receipt = rfq_line.order_id.picking_ids
        receipt.move_ids.quantity = 2.0
        receipt.button_validate()
        self.assertEqual(line.qty_reserved, 3.0)
        self.assertEqual(request.state, "reserved")
        self.assertFalse(request.shortage)
        self.assertFalse(self._exceptions(request))
        self.assertEqual(self._exceptions(request, state="resolved"), exception)

    def test_product_without_route_is_noted(self):
        request = self._approved([(self.server, 1)])
        self.assertEqual(request.line_ids.availability, "waiting")
        self.assertEqual(len(self._exceptions(request)), 1)
        self.assertTrue(
            request.message_ids.filtered(
                lambda m: "could not be replenished" in (m.body or "")
            )
        )

    def test_a_line_without_route_does_not_stop_the_others(self):
        """Odoo's procurement refuses a whole run when one product has no
        route: the line is noted, the others are bought all the same."""
        self.dock.write(
            {
                "route_ids": [
                    (4, self.env.ref("purchase_stock.route_warehouse0_buy").id)
                ],
                "seller_ids": [(0, 0, {"partner_id": self.vendor.id, "price": 140.0})],
            }
        )
        request = self._approved([(self.server, 1), (self.dock, 2)])
        self.assertEqual(request.state, "approved")
        notes = request.message_ids.filtered(
            lambda m: "could not be replenished" in (m.body or "")
        )
        self.assertEqual(len(notes), 1)
        self.assertIn("Rack server", notes.body)
        self.assertNotIn("Docking station", notes.body)
        rfq_line = self.env["purchase.order.line"].search(
            [("product_id", "=", self.dock.id), ("order_id.state", "=", "draft")]
        )
        self.assertEqual(rfq_line.product_qty, 2.0)
        self.assertFalse(
            self.env["purchase.order.line"].search(
                [("product_id", "=", self.server.id)]
            )
        )

    def test_dispatch_records_serials(self):
        self._stock(self.laptop, 2, serials=("LAP-001", "LAP-002"))
        request = self._approved([(self.laptop, 1, "capitalise")])
        picking = request.picking_ids.with_user(self.warehouse_user)
        picking.button_validate()  # serialized: the dispatch waits for approval
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(picking.approval_state, "pending")
        self.assertEqual(request.state, "reserved")
        with self.assertRaises(AccessError):  # nobody approves their own dispatch
            picking.action_approve()
        picking.with_user(self.warehouse_manager).action_approve()
        self.assertEqual(
            picking.sudo().activity_ids.user_id, self.warehouse_user
        )  # told to go
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(request.state, "dispatched")
        self.assertEqual(request.line_ids.qty_done, 1.0)
        self.assertEqual(request.line_ids.availability, "done")
        self.assertEqual(len(request.line_ids.lot_ids), 1)
        self.assertIn(request.line_ids.lot_ids.name, ("LAP-001", "LAP-002"))
        request.with_user(self.consultant).action_confirm_delivered()
        self.assertEqual(request.state, "delivered")
        with self.assertRaises(AccessError):
            request.with_user(self.consultant).action_close()
        request.with_user(self.warehouse_user).action_close()
        self.assertEqual(request.state, "closed")

    def test_plain_dispatch_needs_no_approval(self):
        self._stock(self.dock, 1)
        request = self._approved([(self.dock, 1)])
        picking = request.picking_ids.with_user(self.warehouse_user)
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.approval_state, "approved")
        self.assertEqual(request.state, "dispatched")

    def test_urgent_dispatch_by_emergency_release(self):
        self._stock(self.laptop, 1, serials=("LAP-009",))
        request = self._approved([(self.laptop, 1, "returnable")], urgency="critical")
        picking = request.picking_ids.with_user(self.warehouse_user)
        picking.button_validate()
        self.assertEqual(picking.state, "assigned")
        picking.action_emergency_release("Consultant flies out tonight")
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(request.state, "dispatched")
        self.assertTrue(
            self._exceptions(picking, kind="post_event_review"),
            "the release opens a post-event review",
        )

    def test_cancel_withdraws_the_dispatch_review(self):
        self._stock(self.laptop, 1, serials=("LAP-010",))
        request = self._approved([(self.laptop, 1, "returnable")])
        picking = request.picking_ids.with_user(self.warehouse_user)
        picking.button_validate()
        request.with_user(self.project_manager).action_cancel()
        self.assertEqual(picking.state, "cancel")
        self.assertEqual(
            set(picking.sudo().approval_review_ids.mapped("state")), {"cancelled"}
        )

    def test_cancel_releases_the_reservation(self):
        self._stock(self.dock, 2)
        request = self._approved([(self.dock, 2)])
        self.assertEqual(
            self.dock.with_context(warehouse=self.warehouse.id).free_qty, 0
        )
        request.with_user(self.project_manager).action_cancel()
        self.assertEqual(request.sudo().picking_ids.state, "cancel")
        self.assertEqual(
            self.dock.with_context(warehouse=self.warehouse.id).free_qty, 2
        )
        self.assertEqual(request.state, "cancelled")

    def test_needed_date_far_away_releases_then_reserves_again(self):
        self._stock(self.dock, 2)
        request = self._approved([(self.dock, 2)])
        free = self.dock.with_context(warehouse=self.warehouse.id)
        self.assertEqual(free.free_qty, 0)
        request.needed_date = self.today + timedelta(days=60)  # beyond 30 days
        self.assertTrue(request.reservation_released)
        self.assertEqual(request.state, "approved")
        self.assertFalse(request.shortage)
        self.assertFalse(self._exceptions(request))
        self.assertEqual(free.free_qty, 2)
        self.assertEqual(
            request.sudo().picking_ids.scheduled_date.date(), request.needed_date
        )
        self.assertTrue(
            request.message_ids.filtered(lambda m: "released" in (m.body or ""))
        )
        # nightly: nothing to do until the date comes within the setting
        self.env["psa.kit.request"]._cron_rereserve()
        self.assertTrue(request.reservation_released)
        self.env["ir.config_parameter"].set_param("psa_warehouse_kits.release_days", 90)
        self.env["psa.kit.request"]._cron_rereserve()
        self.env["psa.kit.request"]._cron_rereserve()  # twice: the same
        self.assertFalse(request.reservation_released)
        self.assertEqual(request.state, "reserved")
        self.assertEqual(free.free_qty, 0)

    def test_approval_far_ahead_reserves_nothing(self):
        self._stock(self.dock, 1)
        request = self._approved(
            [(self.dock, 1)], needed_date=self.today + timedelta(days=45)
        )
        self.assertTrue(request.reservation_released)
        self.assertEqual(request.line_ids.qty_reserved, 0)
        request.needed_date = self.today + timedelta(days=10)
        self.assertEqual(request.state, "reserved")
        with self.assertRefused(ValidationError, "Needed Date"):
            request.needed_date = self.today - timedelta(days=1)
        self.assertEqual(request.needed_date, self.today + timedelta(days=10))

    def test_finance_lists_dispatched_items_to_capitalise(self):
        self._stock(self.laptop, 1, serials=("LAP-201",))
        self._stock(self.dock, 1)
        request = self._approved([(self.laptop, 1, "capitalise"), (self.dock, 1)])
        action = self.env.ref(
            "psa_warehouse_kits.psa_kit_request_line_action_capitalise"
        )
        Line = self.env["psa.kit.request.line"].with_user(self.finance)
        domain = [
            ("treatment", "=", "capitalise"),
            ("request_state", "in", ("dispatched", "delivered", "closed")),
        ]
        self.assertIn("search_default_capitalise", action.context)
        self.assertFalse(Line.search(domain) & request.line_ids)
        self._dispatch(request)
        listed = Line.search(domain) & request.line_ids
        self.assertEqual(listed.product_id, self.laptop)
        self.assertEqual(listed.lot_ids.name, "LAP-201")
        self.assertEqual(listed.subtotal, 1200.0)
        with self.assertRaises(AccessError):
            listed.write({"treatment": "expense"})

    def test_scarce_stock_follows_the_chosen_order(self):
        self._stock(self.dock, 2)
        relaxed = self._approved(
            [(self.dock, 2)], needed_date=self.today + timedelta(days=25)
        )
        pressing = self._approved(
            [(self.dock, 2)],
            urgency="critical",
            needed_date=self.today + timedelta(days=3),
        )
        self.assertEqual((relaxed.state, pressing.state), ("reserved", "approved"))
        self.assertGreater(pressing.priority_score, relaxed.priority_score)
        Request = self.env["psa.kit.request"].with_user(self.warehouse_user)
        action = Request.action_open_scarce_stock()
        scarce = Request.search(action["domain"])
        self.assertEqual(scarce, relaxed | pressing)
        with self.assertRaises(AccessError):
            scarce.with_user(self.project_manager).action_reserve_by_priority()
        scarce.action_reserve_by_priority()  # the recommendation
        self.assertEqual((relaxed.state, pressing.state), ("approved", "reserved"))
        self.assertTrue(self._exceptions(relaxed))
        self.assertFalse(self._exceptions(pressing))
        relaxed.priority_rank = 1  # a person overrides it
        scarce.action_reserve_by_priority()
        self.assertEqual((relaxed.state, pressing.state), ("reserved", "approved"))
        self.assertEqual(relaxed.line_ids.qty_reserved, 2.0)
