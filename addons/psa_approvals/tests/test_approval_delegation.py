from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError

from .common import PsaApprovalsCommon


class TestApprovalDelegation(PsaApprovalsCommon):
    def setUp(self):
        super().setUp()
        self._create_rule([{"user_ids": self.approver_1}])
        self.today = fields.Date.today()

    def _delegate(self, delegate, **vals):
        return (
            self.env["psa.approval.delegation"]
            .with_user(self.approver_1)
            .create(
                {
                    "delegate_id": delegate.id,
                    "date_from": self.today - timedelta(days=1),
                    "date_to": self.today + timedelta(days=5),
                    **vals,
                }
            )
        )

    def test_delegate_approves_for_the_reviewer_and_log_says_so(self):
        self._delegate(self.approver_3)
        request = self._create_request()
        request.action_request_approval()
        self.assertTrue(request.with_user(self.approver_3).can_review)
        request.with_user(self.approver_3).action_approve()
        self.assertEqual(request.approval_state, "approved")
        step = self._logs(request, "approved_step")
        self.assertEqual(step.user_id, self.approver_3)
        self.assertEqual(step.on_behalf_id, self.approver_1)
        self.assertEqual(request.approval_review_ids.approver_ids, self.approver_1)

    def test_delegate_outside_the_range_is_refused(self):
        self._delegate(
            self.approver_3,
            date_from=self.today + timedelta(days=2),
            date_to=self.today + timedelta(days=4),
        )
        request = self._create_request()
        request.action_request_approval()
        with self.assertRaises(AccessError):
            request.with_user(self.approver_3).action_approve()
        self.assertEqual(request.approval_state, "pending")

    def test_delegation_limited_by_amount_and_model(self):
        self._delegate(self.approver_3, max_amount=500)
        request = self._create_request(amount=1000)
        request.action_request_approval()
        with self.assertRaises(AccessError):
            request.with_user(self.approver_3).action_approve()

    def test_to_review_lists_what_the_delegate_may_decide_only(self):
        """The "To Review" filter follows the same limits as the decision."""
        self._delegate(self.approver_3, max_amount=500)
        small, large = (
            self._create_request(amount=400),
            self._create_request(amount=900),
        )
        (small | large).action_request_approval()
        Request = self.env["psa.approval.request"].with_user(self.approver_3)
        self.assertEqual(Request.search([("can_review", "=", True)]), small)
        self.assertNotIn(small, Request.search([("can_review", "=", False)]))
        other_model = self.env["ir.model"]._get("psa.approval.delegation")
        self.env["psa.approval.delegation"].search([]).model_ids = other_model
        self.assertFalse(Request.search([("can_review", "=", True)]))

    def test_delegate_never_approves_own_request(self):
        self._delegate(self.requester)
        request = self._create_request(user=self.requester)
        request.with_user(self.requester).action_request_approval()
        with self.assertRaisesRegex(AccessError, "delegate may never"):
            request.with_user(self.requester).action_approve()

    def test_bad_dates_and_self_delegation_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "End Date"):
            self._delegate(self.approver_3, date_to=self.today - timedelta(days=3))
        with self.assertRaisesRegex(ValidationError, "someone else"):
            self._delegate(self.approver_1)

    def test_only_the_delegating_user_changes_a_delegation(self):
        delegation = self._delegate(self.approver_3)
        delegation.with_user(self.approver_3).read(["date_to"])
        with self.assertRaises(AccessError):
            delegation.with_user(self.approver_3).write({"date_to": self.today})
        with self.assertRaises(AccessError):
            delegation.with_user(self.outsider).read(["date_to"])
