from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .test_billing_readiness import BillingReadinessCase


@tagged("post_install", "-at_install")
class TestInvoiceRelease(BillingReadinessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.env.ref("psa_billing_readiness.approval_rule_invoice_release")
        cls.rule.active = True  # the shipped policy, archived with the demo rules
        cls.finance_manager = cls._create_user(
            "psa_billing_finance_manager",
            "account.group_account_manager",
            "sales_team.group_sale_salesman_all_leads",
        )
        cls.big = cls._invoice(12000)
        cls.small = cls._invoice(500)

    @classmethod
    def _invoice(cls, amount):
        return cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_line_ids": [
                    (0, 0, {"name": "Consulting", "quantity": 1, "price_unit": amount})
                ],
            }
        )

    def _events(self, move):
        return (
            self.env["psa.approval.log"]
            .search([("res_model", "=", "account.move"), ("res_id", "=", move.id)])
            .mapped("event")
        )

    def test_shipped_rule_finance_last(self):
        self.assertEqual(self.rule.amount_min, 10000)
        self.assertEqual(
            self.rule.step_ids.sorted("sequence")[-1:].group_id,
            self.env.ref("account.group_account_manager"),
        )

    def test_below_threshold_finance_posts_directly(self):
        self.small.with_user(self.finance).action_post()
        self.assertEqual(self.small.state, "posted")
        self.assertIn("auto_approved", self._events(self.small))

    def test_above_threshold_goes_through_the_matrix(self):
        result = self.big.with_user(self.finance).action_post()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertEqual(self.big.state, "draft")
        self.assertEqual(self.big.approval_state, "pending")
        with self.assertRaisesRegex(UserError, "waits for its release approval"):
            self.big.with_user(self.finance).action_post()
        with self.assertRaisesRegex(UserError, "needs an approval first"):
            self.big.with_user(self.finance).write({"state": "posted"})
        self.assertEqual(self.big.state, "draft", "nothing half-done")
        with self.assertRaises(AccessError):
            self.big.with_user(self.finance).action_approve()
        self.big.with_user(self.finance_manager).action_approve()
        self.assertEqual(self.big.approval_state, "approved")
        self.assertEqual(self.big.state, "posted", "the final approval releases it")
        self.assertEqual(
            set(self._events(self.big)) & {"requested", "approved"},
            {"requested", "approved"},
        )

    def test_project_manager_cannot_release(self):
        with self.assertRaises(AccessError):
            self.big.with_user(self.project_manager).action_post()
        self.big.with_user(self.finance).action_post()
        with self.assertRaises(AccessError):
            self.big.with_user(self.project_manager).action_approve()
        self.assertEqual(self.big.state, "draft")

    def test_rejected_release_stays_draft(self):
        self.big.with_user(self.finance).action_post()
        self.big.with_user(self.finance_manager).action_reject(reason="Wrong rate")
        self.assertEqual(self.big.approval_state, "rejected")
        self.assertEqual(self.big.state, "draft")

    def test_settings_field_is_the_rules_band(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.psa_billing_release_threshold, 10000)
        settings.psa_billing_release_threshold = 20000
        settings.execute()
        self.assertEqual(self.rule.amount_min, 20000)
        self.big.with_user(self.finance).action_post()
        self.assertEqual(self.big.state, "posted", "below the new threshold")

    def test_pending_release_blocks_the_order(self):
        self.rule.amount_min = 100
        self.pending.unlink()
        self._check()
        draft = self._create_drafts(self.order, self.day_2)
        draft.with_user(self.finance).action_post()
        self._check()
        self.assertEqual(self.order.psa_readiness, "blocked")
        self.assertEqual(self.order.psa_blocked_approvals, 1)
        self.assertIn("1 approvals pending", self.order.psa_blockers)
