from odoo.exceptions import AccessError

from .watch_common import PsaStaffingWatchCommon

CHECK = "psa.staffing.watch.retainer"
TODAY = "2027-03-20"


class TestWatchRetainer(PsaStaffingWatchCommon):
    """Prepaid hours crossing 75, 90 and 100% give the salesperson one
    activity per threshold, never twice, until hours are topped up."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = cls._create_user(
            "psa_watch_salesman", "sales_team.group_sale_salesman"
        )
        hour = cls.env.ref("uom.product_uom_hour")
        cls.retainer = cls.env["product.product"].create(
            {
                "name": "Support retainer",
                "detailed_type": "service",
                "invoice_policy": "order",
                "uom_id": hour.id,
                "uom_po_id": hour.id,
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Retainer Client"})

    def setUp(self):
        super().setUp()
        self.order = self._order(10)
        self.line = self.order.order_line
        self.project.write(
            {"sale_line_id": self.line.id, "partner_id": self.customer.id}
        )

    def _order(self, hours, product=None):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesman.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": (product or self.retainer).id,
                            "product_uom_qty": hours,
                        },
                    )
                ],
            }
        )
        order.action_confirm()
        return order

    def _alerts(self, order=None):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "=", (order or self.order).id),
                ("summary", "like", "Retainer past"),
            ]
        )

    def test_each_threshold_once(self):
        self._timesheet("2027-03-01", 7)
        self._run(CHECK, TODAY)
        self.assertFalse(self._alerts(), "70% is below every threshold")
        self._timesheet("2027-03-02", 1)
        self._run(CHECK, TODAY)
        alerts = self._alerts()
        self.assertEqual(len(alerts), 1)
        self.assertEqual(alerts.user_id, self.salesman)
        self.assertIn("75%", alerts.summary)
        self.assertEqual(self.line.psa_retainer_alerted, 75)
        self._run(CHECK, TODAY)
        self.assertEqual(len(self._alerts()), 1, "never twice")
        self._timesheet("2027-03-03", 4)
        self._run(CHECK, TODAY)
        self.assertEqual(
            sorted(self._alerts().mapped("summary")),
            [
                "Retainer past 100%: Support retainer",
                "Retainer past 75%: Support retainer",
                "Retainer past 90%: Support retainer",
            ],
        )
        self.assertEqual(self.line.psa_retainer_alerted, 100)

    def test_top_up_rearms_the_thresholds(self):
        self._timesheet("2027-03-01", 8)
        self._run(CHECK, TODAY)
        self.assertEqual(self.line.psa_retainer_alerted, 75)
        self.line.product_uom_qty = 20  # 10 more prepaid hours: 40% used
        self._run(CHECK, TODAY)
        self.assertEqual(self.line.psa_retainer_alerted, 0, "re-armed")
        self.assertEqual(len(self._alerts()), 1, "re-arming alerts nobody")
        self._timesheet("2027-03-02", 7)  # 15 of 20 hours: 75% again
        self._run(CHECK, TODAY)
        alerts = self._alerts()
        self.assertEqual(len(alerts), 2, "the threshold alerts again")
        self.assertEqual(self.line.psa_retainer_alerted, 75)

    def test_second_run_changes_nothing(self):
        self._timesheet("2027-03-01", 9.5)
        self._run(CHECK, TODAY)
        self.assertEqual(len(self._alerts()), 2)
        with self._assert_no_writes():
            self._run(CHECK, TODAY)
        self.assertEqual(len(self._alerts()), 2)

    def test_timesheets_linked_to_the_line_count(self):
        """Timesheets of another project count when they carry the line."""
        line = self._timesheet("2027-03-01", 8, project=self.other_project)
        line.so_line = self.line
        self._run(CHECK, TODAY)
        self.assertEqual(self.line.psa_retainer_alerted, 75)

    def test_delivered_services_are_no_retainer(self):
        self.retainer.invoice_policy = "delivery"
        self._timesheet("2027-03-01", 12)
        self._run(CHECK, TODAY)
        self.assertFalse(self._alerts())
        self.assertEqual(self.line.psa_retainer_alerted, 0)

    def _retainers(self, count, hours=5):
        for _index in range(count):
            line = self._order(10).order_line
            timesheet = self._timesheet("2027-03-01", hours, project=self.other_project)
            timesheet.so_line = line

    def test_scan_queries_flat(self):
        """Lines below every threshold: 5 or 30 cost the same."""
        self._assert_flat(CHECK, TODAY, self._retainers)

    def test_alert_queries_per_activity(self):
        """Crossing lines: a bounded cost per activity (Odoo's mail.activity
        writes each activity's record name on its own)."""

        def crossing(count):
            self._retainers(count, hours=8)

        self._queries(CHECK, TODAY, crossing, 5)  # warm the caches
        five = self._queries(CHECK, TODAY, crossing, 5)
        thirty = self._queries(CHECK, TODAY, crossing, 30)
        self.assertLessEqual(thirty, five + 2 * 25, f"5: {five}, 30: {thirty}")

    def test_salesman_cannot_reset_the_alert(self):
        self._timesheet("2027-03-01", 8)
        self._run(CHECK, TODAY)
        with self.assertRaises(AccessError):
            self.line.with_user(self.salesman).write({"psa_retainer_alerted": 0})
        self.assertEqual(self.line.psa_retainer_alerted, 75)
