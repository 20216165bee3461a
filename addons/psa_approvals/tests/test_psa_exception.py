from odoo.exceptions import AccessError, UserError

from .common import PsaApprovalsCommon


class TestPsaException(PsaApprovalsCommon):
    def test_open_is_idempotent_and_batched(self):
        Exception_ = self.env["psa.exception"]
        requests = self.env["psa.approval.request"]
        for _index in range(3):
            requests |= self._create_request()
        opened = Exception_._open_exceptions(
            requests,
            "stalled_approval",
            lambda r: f"{r.name} is stuck",
            self.approver_1,
        )
        self.assertEqual(len(opened), 3)
        self.assertEqual(opened.owner_id, self.approver_1)
        again = Exception_._open_exceptions(requests, "stalled_approval", "stuck")
        self.assertEqual(again, opened)

        more = requests
        for _index in range(20):
            more |= self._create_request()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        Exception_._open_exceptions(more[:5], "other", "x")
        few = self.cr.sql_log_count - before
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        Exception_._open_exceptions(more[5:], "other", "x")
        many = self.cr.sql_log_count - before
        self.assertEqual(few, many, "opening exceptions costs queries per record")

    def test_close_and_resolve_and_reopen(self):
        request = self._create_request()
        Exception_ = self.env["psa.exception"]
        exc = Exception_._open_exceptions(request, "other", "Look", self.approver_1)
        self.assertEqual(Exception_._close_exceptions(request, "other", "done"), exc)
        self.assertEqual(exc.state, "resolved")
        exc.action_reopen()
        self.assertEqual(exc.state, "open")
        exc.resolution_note = False
        with self.assertRaisesRegex(UserError, "Resolution Note"):
            exc.action_resolve()
        exc.resolution_note = "Called the client"
        exc.with_context(tracking_disable=False).action_resolve()
        self.assertEqual(exc.state, "resolved")
        self.assertEqual(exc.action_open_record()["res_id"], request.id)

    def test_users_see_their_own_exceptions_only(self):
        request = self._create_request()
        exc = self.env["psa.exception"]._open_exceptions(
            request, "other", "Look", self.approver_1
        )
        exc.with_user(self.approver_1).write({"resolution_note": "on it"})
        with self.assertRaises(AccessError):
            exc.with_user(self.approver_2).read(["name"])
        with self.assertRaises(AccessError):
            exc.with_user(self.approver_1).unlink()
