from odoo.exceptions import AccessError
from odoo.tests import tagged

from .retainer_common import PsaRetainerCommon

TODAY = "2027-03-20"


@tagged("post_install", "-at_install")
class TestRetainerWatch(PsaRetainerCommon):
    """Prepaid hours crossing 75, 90 and 100% give the salesperson one
    activity per threshold, never twice, until hours are topped up (moved
    here from psa_staffing's nightly watch, behaviour kept)."""

    def test_cron_is_data_calling_the_watch(self):
        cron = self.env.ref("psa_billing_readiness.ir_cron_retainer_watch")
        self.assertEqual(cron.code.strip(), "model._cron_watch_retainers()")
        self.assertEqual(cron.model_id.model, "psa.retainer.watch")

    def test_each_threshold_once(self):
        self._timesheet("2027-03-01", 7)
        self._run(TODAY)
        self.assertFalse(self._alerts(), "70% is below every threshold")
        self._timesheet("2027-03-02", 1)
        self._run(TODAY)
        alerts = self._alerts()
        self.assertEqual(len(alerts), 1)
        self.assertEqual(alerts.user_id, self.salesman)
        self.assertIn("75%", alerts.summary)
        self.assertEqual(self.line.psa_retainer_alerted, 75)
        self._run(TODAY)
        self.assertEqual(len(self._alerts()), 1, "never twice")
        self._timesheet("2027-03-03", 4)
        self._run(TODAY)
        alerts = self._alerts()
        self.assertEqual(
            sorted(alerts.mapped("summary")),
            [
                "Retainer past 100%: Support retainer",
                "Retainer past 75%: Support retainer",
                "Retainer past 90%: Support retainer",
            ],
        )
        self.assertEqual(self.line.psa_retainer_alerted, 100)
        full = alerts.filtered(lambda a: "100%" in a.summary)
        self.assertIn("Request Overage", full.note, "the 100% alert prompts it")

    def test_top_up_rearms_the_thresholds(self):
        self._timesheet("2027-03-01", 8)
        self._run(TODAY)
        self.assertEqual(self.line.psa_retainer_alerted, 75)
        self.line.product_uom_qty = 20  # 10 more prepaid hours: 40% used
        self._run(TODAY)
        self.assertEqual(self.line.psa_retainer_alerted, 0, "re-armed")
        self.assertEqual(len(self._alerts()), 1, "re-arming alerts nobody")
        self._timesheet("2027-03-02", 7)  # 15 of 20 hours: 75% again
        self._run(TODAY)
        self.assertEqual(len(self._alerts()), 2, "the threshold alerts again")
        self.assertEqual(self.line.psa_retainer_alerted, 75)

    def test_second_run_changes_nothing(self):
        self._timesheet("2027-03-01", 9.5)
        self._run(TODAY)
        self.assertEqual(len(self._alerts()), 2)
        with self._assert_no_writes():
            self._run(TODAY)
        self.assertEqual(len(self._alerts()), 2)

    def test_batches_alert_every_line_once(self):
        """Small batches claimed one after the other reach every line."""
        orders = self.r_order | self._retainer_order(10) | self._retainer_order(10)
        for line in orders.order_line:
            timesheet = self._timesheet("2027-03-01", 8, project=self.other_project)
            timesheet.so_line = line
        self._run(TODAY, batch_size=2)
        self.assertEqual(set(orders.order_line.mapped("psa_retainer_alerted")), {75})
        for order in orders:
            self.assertEqual(len(self._alerts(order)), 1)

    def test_timesheets_linked_to_the_line_count(self):
        """Timesheets of another project count when they carry the line."""
        line = self._timesheet("2027-03-01", 8, project=self.other_project)
        line.so_line = self.line
        self._run(TODAY)
        self.assertEqual(self.line.psa_retainer_alerted, 75)

    def test_unlinked_time_on_the_retainer_project_counts(self):
        """Time the project does not bill (no sale line) still uses it up."""
        timesheet = self._timesheet("2027-03-01", 8)
        timesheet.write({"so_line": False, "is_so_line_edited": True})
        self._run(TODAY)
        self.assertEqual(self.line.psa_retainer_alerted, 75)

    def test_delivered_services_are_no_retainer(self):
        self.retainer.invoice_policy = "delivery"
        self._timesheet("2027-03-01", 12)
        self._run(TODAY)
        self.assertFalse(self._alerts())
        self.assertEqual(self.line.psa_retainer_alerted, 0)

    def _retainers(self, count, hours=5):
        for _index in range(count):
            line = self._retainer_order(10).order_line
            timesheet = self._timesheet("2027-03-01", hours, project=self.other_project)
            timesheet.so_line = line

    def test_scan_queries_flat(self):
        """Lines below every threshold: 5 or 30 cost the same."""
        self._queries(TODAY, self._retainers, 5)  # warm the caches
        five = self._queries(TODAY, self._retainers, 5)
        self.assertEqual(self._queries(TODAY, self._retainers, 30), five)

    def test_alert_queries_per_activity(self):
        """Crossing lines: a bounded cost per activity (Odoo's mail.activity
        writes each activity's record name on its own)."""

        def crossing(count):
            self._retainers(count, hours=8)

        self._queries(TODAY, crossing, 5)  # warm the caches
        five = self._queries(TODAY, crossing, 5)
        thirty = self._queries(TODAY, crossing, 30)
        self.assertLessEqual(thirty, five + 2 * 25, f"5: {five}, 30: {thirty}")

    def test_salesman_cannot_reset_the_alert(self):
        self._timesheet("2027-03-01", 8)
        self._run(TODAY)
        with self.assertRaises(AccessError):
            self.line.with_user(self.salesman).write({"psa_retainer_alerted": 0})
        self.assertEqual(self.line.psa_retainer_alerted, 75)
