"""Approving and reserving a selection of kit requests at once.

The warehouse manager approves 10, 20 and 200 submitted requests in one
click; approval creates each request's delivery through Odoo's procurement
(one run for the selection), reserves it, and buys what is missing (an RFQ
to the vendor). Each request asks for a docking station (in stock: reserved)
and a laptop (none in stock, bought). Prints the queries and the time of
each approval, the queries per request, and the marginal cost of a request
(``total = a + b * n``); asserts that the marginal cost is the same from 10
to 20 as from 20 to 200 requests (within one query: the ORM inserts rows 100
at a time) and that every request is approved with its delivery.
"""

import time
from datetime import timedelta

from odoo.addons.psa_warehouse_kits.tests.common import PsaKitsCommon

SIZES = (10, 20, 200)


class TestBenchKitApprovals(PsaKitsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        buy = cls.env.ref("purchase_stock.route_warehouse0_buy")
        cls.laptop.write(
            {
                "route_ids": [(4, buy.id)],
                "seller_ids": [(0, 0, {"partner_id": cls.vendor.id, "price": 1100})],
            }
        )

    def _submitted(self, count):
        """``count`` submitted requests, with the docks they ask for in stock."""
        line_vals = [
            (0, 0, {"product_id": self.laptop.id, "quantity": 1}),
            (0, 0, {"product_id": self.dock.id, "quantity": 1}),
        ]
        requests = (
            self.env["psa.kit.request"]
            .with_user(self.project_manager)
            .create(
                [
                    {
                        "project_id": self.project.id,
                        "needed_date": self.today + timedelta(days=7),
                        "destination_type": "employee",
                        "recipient_user_id": self.consultant.id,
                        "line_ids": line_vals,
                    }
                    for _index in range(count)
                ]
            )
        )
        self._stock(self.dock, count)
        requests.action_request_approval()
        self.env.flush_all()
        self.env.invalidate_all()
        return requests

    def test_approving_and_reserving_costs_the_same_per_request(self):
        self._submitted(2).with_user(self.warehouse_manager).action_approve()  # warm
        queries, seconds = {}, {}
        for count in SIZES:
            requests = self._submitted(count)
            approve = requests.with_user(self.warehouse_manager).action_approve
            before = self.cr.sql_log_count
            began = time.perf_counter()
            approve()
            self.env.flush_all()
            seconds[count] = time.perf_counter() - began
            queries[count] = self.cr.sql_log_count - before
            self.assertEqual(set(requests.mapped("state")), {"approved"})
            self.assertEqual(len(requests.sudo().picking_ids), count)
            self.assertEqual(
                set(requests.line_ids.mapped("availability")), {"reserved", "waiting"}
            )
            self.assertEqual(
                sum(requests.line_ids.mapped("qty_reserved")), count, "the docks"
            )
        purchase = self.env["purchase.order.line"].search(
            [("product_id", "=", self.laptop.id)]
        )
        self.assertEqual(sum(purchase.mapped("product_qty")), 2 + sum(SIZES))
        small, medium, large = SIZES
        marginal_small = (queries[medium] - queries[small]) / (medium - small)
        marginal = (queries[large] - queries[medium]) / (large - medium)
        fixed = queries[medium] - marginal * medium
        self.assertLess(abs(marginal - marginal_small), 1.0, "queries per request")
        print(
            "\n[bench kit approvals] "
            + "; ".join(
                f"{count} requests: {queries[count]} queries"
                f" ({queries[count] / count:.1f} a request), {seconds[count]:.2f} s"
                f" ({seconds[count] / count * 1000:.0f} ms a request)"
                for count in SIZES
            )
            + f"\n[bench kit approvals] total = {fixed:.0f} + {marginal:.1f} * n"
            f" queries ({marginal_small:.1f} a request from {small} to {medium})"
        )
