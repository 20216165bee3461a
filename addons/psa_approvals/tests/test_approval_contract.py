from odoo.exceptions import AccessError, UserError

from .common import (
    PsaApprovalsCommon,
    PsaApprovalTestDocumentCommon,
    PsaApprovalTestModelMixin,
)


class TestApprovalStateContract(PsaApprovalTestDocumentCommon):
    """The matrix gates a host's own transition (draft -> done), as
    base_tier_validation's _state_from/_state_to do; a cancel state and a
    deletion cancel the open reviews, logged."""

    def test_the_hosts_button_submits_and_proceeds_once_approved(self):
        large = self._document(5000)
        large.action_done()
        self.assertEqual((large.state, large.approval_state), ("draft", "pending"))
        large.with_user(self.approver_1).action_approve()
        self.assertEqual(large.state, "draft", "approval allows, the user acts")
        large.action_done()
        self.assertEqual((large.state, large.approval_state), ("done", "approved"))

    def test_no_rule_holds_it_auto_approved_and_logged(self):
        small = self._document(10)
        small.action_done()
        self.assertEqual((small.state, small.approval_state), ("done", "approved"))
        self.assertEqual(
            self._logs(small).mapped("event"), ["auto_approved", "requested"]
        )

    def test_writing_the_transition_unapproved_is_refused_whole(self):
        large, small = self._document(5000), self._document(10)
        with self.assertRaisesRegex(UserError, "Doc 5000 needs an approval first"):
            (large | small).write({"state": "done"})
        self.assertEqual(
            (large | small).mapped("state"), ["draft", "draft"], "nothing written"
        )
        self.assertFalse(self._logs(large) | self._logs(small))
        small.write({"state": "done"})
        self.assertEqual(small.approval_state, "approved")

    def test_cancel_state_cancels_open_reviews_logged(self):
        large = self._document(5000)
        large.action_request_approval()
        large.with_user(self.requester).write({"state": "cancel"})
        self.assertEqual(large.approval_state, "draft")
        self.assertEqual(large.approval_review_ids.mapped("state"), ["cancelled"])
        log = self._logs(large, "cancelled")
        self.assertEqual(len(log), 1)
        self.assertIn("Cancelled", log.comment)

    def test_deletion_cancels_open_reviews_logged(self):
        large = self._document(5000)
        large.action_request_approval()
        reviews = large.approval_review_ids
        record_id = large.id
        large.unlink()
        self.assertEqual(reviews.mapped("state"), ["cancelled"])
        log = self.env["psa.approval.log"].search(
            [
                ("res_model", "=", "psa.approval.test.document"),
                ("res_id", "=", record_id),
                ("event", "=", "cancelled"),
            ]
        )
        self.assertEqual(len(log), 1)
        self.assertIn("Deleted", log.comment)
        self.assertFalse(
            self.env["mail.activity"].search(
                [
                    ("res_model", "=", "psa.approval.test.document"),
                    ("res_id", "=", record_id),
                ]
            )
        )

    def test_submitted_again_cancels_the_previous_reviews_logged(self):
        large = self._document(5000)
        large.action_request_approval()
        first = large.approval_review_ids
        self.env["psa.approval.review"].sudo()._route(large)
        self.assertEqual(first.state, "cancelled")
        self.assertIn("Submitted again", self._logs(large, "cancelled").comment)

    def test_reset_hook_runs_before_the_record_is_back_to_draft(self):
        large = self._document(5000)
        large.action_request_approval()
        large.with_user(self.approver_1).action_approve()
        large.with_user(self.requester).total = 6000
        self.assertEqual((large.approval_state, large.reset_count), ("draft", 1))

    def test_outsider_cannot_take_the_transition_by_approving(self):
        large = self._document(5000)
        large.action_done()
        with self.assertRaises(AccessError):
            large.with_user(self.outsider).action_approve()
        self.assertEqual(large.state, "draft")


class TestApprovalAmountUnit(PsaApprovalTestModelMixin, PsaApprovalsCommon):
    """Bands are in the host's unit: only money is converted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_test_document_model()

    def test_hours_with_a_currency_are_not_converted(self):
        other = self._other_currency(0.25)
        rule = self._create_rule(
            [{"user_ids": self.approver_1}],
            model="psa.approval.test.effort",
            amount_min=10,
        )
        self.assertEqual(rule.amount_unit, "hours")
        efforts = self.env["psa.approval.test.effort"].create(
            [
                {"name": "Short", "hours": 8, "currency_id": other.id},
                {"name": "Long", "hours": 12, "currency_id": other.id},
            ]
        )
        self.assertEqual(
            efforts.mapped(lambda e: e._approval_amount_company()), [8, 12]
        )
        efforts.with_user(self.requester).action_request_approval()
        self.assertEqual(efforts.mapped("approval_state"), ["approved", "pending"])

    def test_money_rules_say_so(self):
        rule = self._create_rule([{"user_ids": self.approver_1}])
        self.assertEqual(rule.amount_unit, "money")


class TestApprovalCoverage(PsaApprovalsCommon):
    """Policy Coverage: each approvable model, held by a rule or not."""

    def _line(self, model):
        lines = self.env["psa.approval.coverage"]._sync()
        return lines.filtered(lambda line: line.model_name == model)

    def test_a_model_without_rule_shows_no_policy(self):
        self.assertEqual(self._line("psa.approval.request").state, "none")
        self._create_rule([], auto_approve=True)
        self.assertEqual(self._line("psa.approval.request").state, "auto")
        rule = self._create_rule([{"user_ids": self.approver_1}])
        line = self._line("psa.approval.request")
        self.assertEqual((line.state, line.rule_count), ("covered", 2))
        rule.active = False
        self.assertEqual(self._line("psa.approval.request").state, "auto")

    def test_every_approvable_model_has_one_line(self):
        names = self.env["psa.approval.rule"]._get_approval_model_names()
        self.env["psa.approval.coverage"]._sync()
        lines = self.env["psa.approval.coverage"]._sync()
        self.assertEqual(sorted(lines.mapped("model_name")), sorted(names))

    def test_only_approval_admins_read_it(self):
        self.env["psa.approval.coverage"]._sync()
        with self.assertRaises(AccessError):
            self.env["psa.approval.coverage"].with_user(self.requester).search([])
        action = (
            self.env["psa.approval.coverage"]
            .with_user(self.approval_admin)
            .action_open()
        )
        self.assertEqual(action["res_model"], "psa.approval.coverage")


class TestApprovalBatchHelper(PsaApprovalsCommon):
    def test_setting_falls_back_to_the_default_on_bad_values(self):
        batch = self.env["psa.batch"]
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("psa_approvals.test_param", "12")
        self.assertEqual(batch._param("psa_approvals.test_param", 3, int), 12)
        params.set_param("psa_approvals.test_param", "twelve")
        self.assertEqual(batch._param("psa_approvals.test_param", 3, int), 3)
        self.assertEqual(batch._param("psa_approvals.missing", 2.5), 2.5)
