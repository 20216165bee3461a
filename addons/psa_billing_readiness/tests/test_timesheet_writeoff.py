from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .test_billing_readiness import BillingReadinessCase


@tagged("post_install", "-at_install")
class TestTimesheetWriteoff(BillingReadinessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("psa_billing_readiness.approval_rule_writeoff").active = True
        cls.finance_manager = cls._create_user(
            "psa_billing_wo_finance_manager", "account.group_account_manager"
        )

    def _write_off(self, lines, reason="Rework caused by our own bug", user=None):
        return (
            self.env["psa.timesheet.writeoff"]
            .with_user(user or self.manager)
            .create({"line_ids": [(6, 0, lines.ids)], "reason": reason})
        )

    def _events(self, writeoff):
        return (
            self.env["psa.approval.log"]
            .search([("res_model", "=", writeoff._name), ("res_id", "=", writeoff.id)])
            .mapped("event")
        )

    def test_small_write_off_applies_at_once(self):
        self.assertEqual(self.time_line.qty_delivered, 15)
        writeoff = self._write_off(self.pending)
        self.assertEqual(writeoff.amount, 300)
        writeoff.with_user(self.manager).action_request_approval()
        self.assertEqual(writeoff.approval_state, "approved")
        self.assertTrue(writeoff.applied_on)
        self.assertFalse(self.pending.so_line, "no longer billable")
        self.assertEqual(self.time_line.qty_delivered, 12)
        self.assertIn("auto_approved", self._events(writeoff))

    def test_large_write_off_needs_finance(self):
        lines = self.validated | self.late
        writeoff = self._write_off(lines)
        self.assertEqual(writeoff.amount, 1200)
        writeoff.with_user(self.manager).action_request_approval()
        self.assertEqual(writeoff.approval_state, "pending")
        self.assertEqual(lines.so_line, self.time_line, "nothing changed yet")
        with self.assertRaises(AccessError):
            writeoff.with_user(self.finance).action_approve()
        writeoff.with_user(self.finance_manager).action_approve()
        self.assertFalse(lines.so_line)
        self.assertEqual(writeoff.amount, 1200, "the amount written off is kept")
        self.assertEqual(self.time_line.qty_delivered, 3)
        self.assertIn("written off", self.order.message_ids[:1].body)

    def test_rejected_write_off_changes_nothing(self):
        writeoff = self._write_off(self.validated | self.late)
        writeoff.action_request_approval()
        writeoff.with_user(self.finance_manager).action_reject(reason="Bill it")
        self.assertEqual(writeoff.approval_state, "rejected")
        self.assertEqual((self.validated | self.late).so_line, self.time_line)

    def test_bad_input_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self._write_off(self.pending, reason="  ")
        self.assertIn("Reason", str(caught.exception))
        internal = self._log(2, self.day_1)
        internal.sudo().write({"so_line": False, "is_so_line_edited": True})
        with self.assertRaises(ValidationError) as caught:
            self._write_off(internal)
        self.assertIn("Only billable time", str(caught.exception))
        self.assertFalse(self.env["psa.timesheet.writeoff"].search([]))

    def test_consultant_cannot_write_off(self):
        with self.assertRaises(AccessError):
            self._write_off(self.pending, user=self.consultant)
