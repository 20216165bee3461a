from odoo.exceptions import AccessError

from .common import PsaApprovalsCommon


class TestApprovalLog(PsaApprovalsCommon):
    def setUp(self):
        super().setUp()
        self._create_rule([{"user_ids": self.approver_1}])
        self.request = self._create_request(amount=2500)
        self.request.with_user(self.requester).action_request_approval()
        self.request.with_user(self.approver_1).action_approve(comment="Fine")

    def test_log_records_who_what_and_amount(self):
        approved = self._logs(self.request, "approved_step")
        self.assertEqual(approved.user_id, self.approver_1)
        self.assertEqual(approved.requested_by_id, self.requester)
        self.assertEqual(approved.comment, "Fine")
        self.assertEqual(approved.amount, 2500)
        self.assertTrue(approved.rule_id)
        self.assertIn(
            "Fine",
            self.request.message_ids[:3].mapped("body")[0]
            + "".join(self.request.message_ids.mapped("body")),
        )

    def test_nobody_changes_or_deletes_the_log(self):
        logs = self._logs(self.request)
        for user in (
            self.requester,
            self.approval_admin,
            self.env.ref("base.user_admin"),
        ):
            with self.assertRaises(AccessError):
                logs.with_user(user).write({"comment": "rewritten"})
            with self.assertRaises(AccessError):
                logs.with_user(user).unlink()
        with self.assertRaises(AccessError):
            logs.sudo().write({"comment": "rewritten"})
        with self.assertRaises(AccessError):
            self.env["psa.approval.log"].with_user(self.requester).create(
                {"res_model": "psa.approval.request", "res_id": 1, "event": "approved"}
            )

    def test_log_visible_to_those_involved_only(self):
        Log = self.env["psa.approval.log"]
        domain = [("res_id", "=", self.request.id)]
        self.assertTrue(Log.with_user(self.requester).search(domain))
        self.assertTrue(Log.with_user(self.approver_1).search(domain))
        self.assertFalse(Log.with_user(self.outsider).search(domain))
        self.assertTrue(Log.with_user(self.approval_admin).search(domain))
