from odoo.exceptions import AccessError, UserError

from .common import PsaApprovalsCommon


class TestApprovalEmergency(PsaApprovalsCommon):
    def _pending(self, allow=True):
        self._create_rule(
            [{"user_ids": self.approver_1}], allow_emergency_release=allow
        )
        request = self._create_request()
        request.with_user(self.requester).action_request_approval()
        return request

    def _post_event_reviews(self, request):
        return self.env["psa.exception"].search(
            [
                ("kind", "=", "post_event_review"),
                ("res_id", "=", request.id),
                ("res_model", "=", request._name),
            ]
        )

    def test_release_flags_logs_and_tracks_the_post_event_review(self):
        request = self._pending()
        request.with_user(self.requester).action_emergency_release(
            justification="Client site down, laptop needed today"
        )
        self.assertTrue(request.approval_emergency)
        self.assertEqual(request.approval_state, "pending")
        self.assertEqual(len(self._logs(request, "emergency_release")), 1)
        review = self._post_event_reviews(request)
        self.assertEqual(review.state, "open")
        self.assertEqual(review.owner_id, self.approver_1)
        request.with_user(self.approver_1).action_approve()
        self.assertEqual(review.state, "resolved")
        self.assertIn("Approved after release", review.resolution_note)

    def test_rejection_after_release_also_ends_the_review(self):
        request = self._pending()
        request.with_user(self.requester).action_emergency_release(
            justification="Urgent"
        )
        request.with_user(self.approver_1).action_reject(reason="Not justified")
        self.assertIn(
            "Rejected after release", self._post_event_reviews(request).resolution_note
        )

    def test_release_refused_when_rule_does_not_allow_it(self):
        request = self._pending(allow=False)
        with self.assertRaisesRegex(UserError, "allows an emergency release"):
            request.with_user(self.requester).action_emergency_release(
                justification="Urgent"
            )
        self.assertFalse(request.approval_emergency)

    def test_release_needs_a_justification_and_an_involved_user(self):
        request = self._pending()
        action = request.with_user(self.requester).action_emergency_release()
        self.assertEqual(action["context"]["default_decision"], "emergency")
        with self.assertRaisesRegex(UserError, "justification"):
            request.with_user(self.requester).action_emergency_release(
                justification="   "
            )
        with self.assertRaises(AccessError):
            request.with_user(self.approval_admin).action_emergency_release(
                justification="I say so"
            )
        self.assertFalse(request.approval_emergency)
        self.assertFalse(self._post_event_reviews(request))
