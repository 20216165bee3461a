from odoo.exceptions import AccessError, ValidationError

from .common import PsaApprovalsCommon


class TestApprovalRule(PsaApprovalsCommon):
    def test_invalid_condition_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "Condition is not valid"):
            self._create_rule(
                [{"user_ids": self.approver_1}], domain="[('no_such_field', '=', 1)]"
            )

    def test_min_above_max_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "Minimum Amount"):
            self._create_rule(
                [{"user_ids": self.approver_1}], amount_min=100, amount_max=10
            )

    def test_more_approvals_than_approvers_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "Approvals Needed"):
            self._create_rule([{"user_ids": self.approver_1, "min_approvals": 2}])

    def test_step_without_approver_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "no way to find an approver"):
            self._create_rule([{"name": "Nobody"}])

    def test_rule_without_steps_must_auto_approve(self):
        with self.assertRaisesRegex(ValidationError, "at least one Step"):
            self._create_rule([])
        rule = self._create_rule([], auto_approve=True)
        self.assertTrue(rule.auto_approve)

    def test_amount_bands_do_not_add_up_in_groups(self):
        self._create_rule([{"user_ids": self.approver_1}], amount_min=1000)
        self._create_rule([{"user_ids": self.approver_2}], amount_min=10000)
        groups = self.env["psa.approval.rule"].read_group(
            [], ["amount_min", "amount_max"], ["model_id"]
        )
        self.assertTrue(groups)
        for group in groups:
            self.assertNotIn("amount_min", group)
            self.assertNotIn("amount_max", group)

    def test_invalid_field_path_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "Approver Field"):
            self._create_rule([{"user_field_path": "partner_id.nope"}])
        with self.assertRaisesRegex(ValidationError, "must end on a user"):
            self._create_rule([{"user_field_path": "partner_id"}])

    def test_field_path_finds_the_approver_on_the_record(self):
        self._create_rule([{"user_field_path": "partner_id.user_id"}])
        self.env["res.partner"].browse()
        partner = self.env["res.partner"].create(
            {"name": "ACME", "user_id": self.approver_3.id}
        )
        request = self._create_request(partner_id=partner.id)
        request.action_request_approval()
        self.assertEqual(request.approval_review_ids.reviewer_ids, self.approver_3)

    def test_amount_band_compares_in_company_currency(self):
        other = self._other_currency(4.0)
        self._create_rule([{"user_ids": self.approver_1}], amount_min=1000)
        # 2,000 in a currency worth a quarter of the company's: 500, under the band
        cheap = self._create_request(amount=2000, currency_id=other.id)
        # 8,000 of it: 2,000, inside the band
        dear = self._create_request(amount=8000, currency_id=other.id)
        (cheap | dear).action_request_approval()
        self.assertEqual(cheap.approval_state, "approved")
        self.assertEqual(dear.approval_state, "pending")

    def test_only_approvable_models(self):
        with self.assertRaisesRegex(ValidationError, "not an approvable model"):
            self._create_rule([{"user_ids": self.approver_1}], model="res.partner")

    def test_reviewers_are_fixed_when_requested(self):
        rule = self._create_rule([{"user_ids": self.approver_1}])
        request = self._create_request()
        request.action_request_approval()
        rule.step_ids.user_ids = self.approver_2
        self.assertEqual(request.approval_review_ids.reviewer_ids, self.approver_1)

    def test_users_cannot_edit_the_matrix(self):
        rule = self._create_rule([{"user_ids": self.approver_1}])
        with self.assertRaises(AccessError):
            rule.with_user(self.requester).write({"amount_min": 0})
        with self.assertRaises(AccessError):
            self.env["psa.approval.rule"].with_user(self.requester).create(
                {"name": "Mine", "model_id": rule.model_id.id, "auto_approve": True}
            )
        rule.with_user(self.approval_admin).write({"amount_min": 10})
        self.assertEqual(rule.amount_min, 10)
