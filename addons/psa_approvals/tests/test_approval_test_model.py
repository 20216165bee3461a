from odoo.exceptions import ValidationError

from .common import PsaApprovalTestDocumentCommon


class TestApprovalOnAnotherHost(PsaApprovalTestDocumentCommon):
    """The mixin on a host that is not psa.approval.request: other amount and
    currency fields, its own guarded fields and hooks."""

    def test_amount_band_reads_the_hosts_amount_field(self):
        small, large = self._document(10), self._document(5000)
        (small | large).action_request_approval()
        self.assertEqual(small.approval_state, "approved", "below the band")
        self.assertEqual(small.granted_count, 1)
        self.assertEqual(large.approval_state, "pending")
        self.assertEqual(large.approval_review_ids.reviewer_ids, self.approver_1)

    def test_granted_hook_runs_once_and_guarded_change_resets(self):
        document = self._document(5000)
        document.action_request_approval()
        document.with_user(self.approver_1).action_approve()
        self.assertEqual(
            (document.approval_state, document.granted_count), ("approved", 1)
        )
        document.with_user(self.requester).total = 6000
        self.assertEqual(document.approval_state, "draft", "total is guarded")
        document.with_user(self.requester).name = "Renamed"
        self.assertEqual(document.granted_count, 1)

    def test_guarded_date_is_snapshotted_in_the_log(self):
        document = self._document(5000)
        document.date_due = "2027-03-31"
        document.action_request_approval()
        log = self.env["psa.approval.log"].search(
            [("res_model", "=", document._name), ("res_id", "=", document.id)]
        )
        self.assertEqual(log.snapshot, {"total": 5000.0, "date_due": "2027-03-31"})
        document.with_user(self.requester).date_due = "2027-04-30"
        self.assertEqual(document.approval_state, "draft", "date_due is guarded")

    def test_rejected_hook(self):
        document = self._document(5000)
        document.action_request_approval()
        document.with_user(self.approver_1).action_reject(reason="Too much")
        self.assertEqual(
            (document.approval_state, document.rejected_count), ("rejected", 1)
        )

    def test_rules_only_on_approvable_models(self):
        self.assertIn(
            "psa.approval.test.document",
            self.env["psa.approval.rule"]._get_approval_model_names(),
        )
        with self.assertRaises(ValidationError):
            self._create_rule(
                [{"user_ids": self.approver_1}], model="psa.approval.delegation"
            )

    def test_buttons_ribbon_and_reviews_tab_are_injected_in_the_form(self):
        arch = self.env["psa.approval.test.document"].get_view(view_type="form")["arch"]
        for needle in (
            'name="action_request_approval"',
            'name="action_approve"',
            'name="action_reject"',
            'name="web_ribbon"',
            'name="approval_review_ids"',
        ):
            self.assertIn(needle, arch)
        placed = self.env["psa.approval.request"].get_view(view_type="form")["arch"]
        self.assertEqual(
            placed.count('name="action_request_approval"'),
            1,
            "a host's own buttons stay",
        )
