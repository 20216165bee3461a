from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .test_billing_readiness import BillingReadinessCase


@tagged("post_install", "-at_install")
class TestChangeRequest(BillingReadinessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.env.ref("psa_billing_readiness.approval_rule_change_request")
        cls.rule.active = True  # the shipped policy, archived with the demo rules
        cls.sales_manager = cls._create_user(
            "psa_billing_sales_manager", "sales_team.group_sale_manager"
        )
        cls.pending.with_user(cls.manager).action_psa_validate()

    def _raise(self, user=None, **vals):
        return (
            self.env["psa.change.request"]
            .with_user(user or self.project_manager)
            .create(
                {
                    "name": "Reporting module",
                    "project_id": self.project.id,
                    "sale_order_id": self.order.id,
                    "change_type": "scope",
                    "description": "Three management reports",
                    "justification": "Asked by the CFO in the steering committee",
                    "hours": 10,
                    "amount": 1500,
                    "product_id": self.product_time.id,
                    "client_evidence": "Steering minutes of 2 March",
                    **vals,
                }
            )
        )

    def test_approval_applies_the_change(self):
        allocated = self.project.allocated_hours
        request = self._raise()
        request.with_user(self.project_manager).action_request_approval()
        self.assertEqual(request.approval_state, "pending")
        with self.assertRaises(AccessError):
            request.with_user(self.project_manager).action_approve()
        request.with_user(self.sales_manager).action_approve()
        self.assertEqual(request.approval_state, "approved")
        self.assertTrue(request.applied_on)
        line = request.sale_line_id
        self.assertEqual(line.order_id, self.order)
        self.assertEqual(line.product_uom_qty, 10)
        self.assertEqual(line.price_subtotal, 1500)
        self.assertEqual(self.project.allocated_hours, allocated + 10)
        self.assertIn("Reporting module", self.project.message_ids[:1].body)
        self.assertIn("Reporting module", self.order.message_ids[:1].body)
        self.assertEqual(self.order.psa_change_request_count, 1)
        self.assertEqual(self.project.psa_change_request_count, 1)
        with self.assertRaisesRegex(UserError, "applied change request"):
            request.with_user(self.project_manager).write({"hours": 20})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            request.with_user(self.project_manager).unlink()
        self.assertTrue(request.exists())

    def test_schedule_change_adds_a_milestone(self):
        request = self._raise(
            change_type="schedule", amount=0, hours=0, milestone_date="2027-06-30"
        )
        request.action_request_approval()
        request.with_user(self.sales_manager).action_approve()
        self.assertEqual(request.milestone_id.project_id, self.project)
        self.assertEqual(str(request.milestone_id.deadline), "2027-06-30")

    def test_rejection_is_logged_with_the_reason(self):
        request = self._raise()
        request.action_request_approval()
        request.with_user(self.sales_manager).action_reject(reason="Priced too low")
        self.assertEqual(request.approval_state, "rejected")
        self.assertFalse(request.sale_line_id)
        self.assertIn("Priced too low", self.project.message_ids[:1].body)
        log = self.env["psa.approval.log"].search(
            [
                ("res_model", "=", "psa.change.request"),
                ("res_id", "=", request.id),
                ("event", "=", "rejected"),
            ]
        )
        self.assertEqual(log.comment, "Priced too low")

    def test_open_change_request_blocks_readiness(self):
        self._check(self.order)
        self.assertEqual(self.order.psa_readiness, "ready")
        request = self._raise()
        self._check(self.order)
        self.assertEqual(self.order.psa_readiness, "blocked")
        self.assertEqual(self.order.psa_blocked_changes, 1)
        self.assertIn(
            "1 open change requests: Reporting module", self.order.psa_blockers
        )
        request.action_request_approval()
        request.with_user(self.sales_manager).action_approve()
        self.assertEqual(self.order.psa_blocked_changes, 0, "rechecked on approval")

    def test_bad_input_names_the_field(self):
        for vals, field in (
            ({"hours": -1}, "Hours"),
            ({"amount": -5}, "Amount"),
            ({"product_id": False}, "Product"),
            ({"sale_order_id": False}, "Sale Order"),
            ({"change_type": "schedule"}, "New Milestone Date"),
        ):
            with self.assertRaises(ValidationError) as caught:
                self._raise(**vals)
            self.assertIn(field, str(caught.exception))
        self.assertFalse(self.env["psa.change.request"].search([]))

    def test_consultant_cannot_raise(self):
        with self.assertRaises(AccessError):
            self._raise(user=self.consultant)
        other_pm = self._create_user(
            "psa_billing_other_pm", "project.group_project_user"
        )
        request = self._raise()
        with self.assertRaises(AccessError):
            request.with_user(other_pm).write({"hours": 12})
