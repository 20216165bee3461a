from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_billing_readiness import BillingReadinessCase


@tagged("post_install", "-at_install")
class TestBillingReports(BillingReadinessCase):
    def test_unbilled_validated_work_by_age(self):
        self.env.flush_all()
        report = self.env["psa.billing.unbilled.report"].with_user(self.finance)
        rows = report.search([("order_id", "=", self.order.id)])
        self.assertEqual(sorted(rows.mapped("hours")), [4, 8], "validated time only")
        self.assertEqual(set(rows.mapped("age_bucket")), {"0_30"})
        self.assertEqual(sum(rows.mapped("amount")), 1200)
        self.assertEqual(rows.project_manager_id, self.project_manager)
        with self.assertRaises(AccessError):
            self.env["psa.billing.unbilled.report"].with_user(self.consultant).search(
                []
            )

    def test_blockers_by_kind_and_project_manager(self):
        self._check()
        rows = (
            self.env["psa.billing.blocker.report"]
            .with_user(self.finance)
            .search([("order_id", "in", (self.order | self.milestone_order).ids)])
        )
        by_kind = {(row.order_id, row.kind): row for row in rows}
        self.assertEqual(by_kind[(self.order, "time")].count, 3)
        self.assertEqual(
            by_kind[(self.order, "time")].project_manager_id, self.project_manager
        )
        self.assertEqual(by_kind[(self.milestone_order, "milestone")].count, 1)

    def test_billing_lag_from_ready_to_posted(self):
        self.pending.unlink()
        self._check(self.order)
        self.env.cr.execute(
            "UPDATE sale_order SET psa_ready_since = now() - interval '3 days'"
            " WHERE id = %s",
            (self.order.id,),
        )
        self.order.invalidate_recordset()
        invoice = self._create_drafts(self.order, self.day_2)
        self.assertTrue(invoice.psa_ready_since)
        invoice.with_user(self.finance).action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertAlmostEqual(invoice.psa_billing_lag_days, 3, delta=0.1)
