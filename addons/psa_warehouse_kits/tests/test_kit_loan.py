from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import PsaKitsCommon


@tagged("post_install", "-at_install")
class TestKitLoan(PsaKitsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._stock(cls.laptop, 2, serials=("LAP-101", "LAP-102"))
        cls._stock(cls.dock, 5)

    def _lend(self):
        request = self._approved(
            [
                (self.laptop, 1, "returnable"),
                (self.dock, 2, "returnable"),
                (self.cable, 2),
            ]
        )
        self._dispatch(request)
        return request

    def test_returnable_lines_become_loans_per_serial_and_unit(self):
        request = self._lend()
        loans = request.sudo().loan_ids
        self.assertEqual(len(loans), 3)
        laptop = loans.filtered(lambda loan: loan.product_id == self.laptop)
        self.assertEqual(laptop.lot_id, request.line_ids[0].lot_ids)
        self.assertEqual(set(loans.mapped("date_due")), {self.project.date})
        self.assertEqual(set(loans.mapped("state")), {"lent"})
        self.assertEqual(set(loans.user_id.ids), set(self.consultant.ids))
        Loan = self.env["psa.kit.loan"]
        self.assertEqual(Loan.with_user(self.consultant).search([]), loans)
        self.assertEqual(Loan.with_user(self.project_manager).search([]), loans)
        self.assertFalse(Loan.with_user(self.requester).search([]))
        with self.assertRaises(AccessError):
            laptop.with_user(self.requester).read(["name"])
        with self.assertRaises(AccessError):
            laptop.with_user(self.consultant).write({"date_due": self.today})

    def test_one_click_return_with_serial(self):
        request = self._lend()
        loans = request.sudo().loan_ids
        laptop = loans.filtered(lambda loan: loan.product_id == self.laptop)
        dock = loans.filtered(lambda loan: loan.product_id == self.dock)[0]
        with self.assertRaises(AccessError):
            (laptop | dock).with_user(self.consultant).action_return()
        (laptop | dock).with_user(self.warehouse_user).action_return()
        receipt = laptop.return_picking_id
        self.assertEqual(receipt.picking_type_code, "incoming")
        self.assertEqual(
            receipt.move_ids.origin_returned_move_id, laptop.move_id | dock.move_id
        )
        self.assertEqual((laptop | dock).mapped("state"), ["returning", "returning"])
        self.assertEqual(
            receipt.move_ids.filtered(
                lambda m: m.product_id == self.laptop
            ).move_line_ids.lot_id,
            laptop.lot_id,
        )
        receipt.with_user(self.warehouse_user).button_validate()
        self.assertEqual(receipt.state, "done")
        self.assertEqual((laptop | dock).mapped("state"), ["returned", "returned"])
        self.assertEqual(laptop.date_returned, self.today)
        self.assertEqual((loans - laptop - dock).state, "lent")
        with self.assertRefused(UserError, "still out on loan"):
            request.with_user(self.consultant).action_confirm_delivered()
            request.with_user(self.warehouse_user).action_close()

    def test_return_refuses_a_serial_not_lent_and_more_than_lent(self):
        request = self._lend()
        loans = request.sudo().loan_ids
        laptop = loans.filtered(lambda loan: loan.product_id == self.laptop)
        docks = loans - laptop
        laptop.with_user(self.warehouse_user).action_return()
        receipt = laptop.return_picking_id
        other = self.env["stock.lot"].search(
            [("product_id", "=", self.laptop.id), ("id", "!=", laptop.lot_id.id)]
        )
        receipt.move_ids.move_line_ids.lot_id = other
        with self.assertRefused(UserError, "Serial Number LAP-10"):
            receipt.with_user(self.warehouse_user).button_validate()
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual(laptop.state, "returning")
        docks.with_user(self.warehouse_user).action_return()
        dock_receipt = docks.return_picking_id
        dock_receipt.move_ids.quantity = 3.0
        with self.assertRefused(UserError, "Quantity: 3.0"):
            dock_receipt.with_user(self.warehouse_user).button_validate()
        self.assertEqual(set(docks.mapped("state")), {"returning"})
        with self.assertRefused(UserError, "not out on loan"):
            docks.with_user(self.warehouse_user).action_return()

    def test_nightly_reminder_then_escalation_once(self):
        request = self._lend()
        loans = request.sudo().loan_ids
        soon, late, later = loans
        soon.date_due = self.today + timedelta(days=2)
        late.date_due = self.today - timedelta(days=1)
        later.date_due = self.today + timedelta(days=20)
        Loan = self.env["psa.kit.loan"]
        Loan._cron_remind_loans()
        Loan._cron_remind_loans()  # twice: nothing new
        activity_type = self.env.ref("psa_warehouse_kits.mail_activity_kit_loan_due")

        def activities(loan):
            return loan.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            )

        self.assertEqual(activities(soon).user_id, self.consultant)
        self.assertEqual(
            sorted(activities(late).user_id.ids),
            sorted((self.consultant | self.project_manager).ids),
        )
        self.assertFalse(activities(later))
        self.assertEqual(
            (soon.reminded_on, late.escalated_on), (self.today, self.today)
        )
        self.assertTrue(late.overdue)
        self.assertEqual(Loan.search([("overdue", "=", True)]) & loans, late)
        # a new due date: reminded again when it comes
        late.date_due = self.today + timedelta(days=1)
        self.assertFalse(late.reminded_on)

    def test_nightly_reminder_when_the_employee_manages_the_project(self):
        """An overdue loan never reminded, lent to the project's own manager:
        a reminder and an escalation for the same person on the same loan
        (subscribing them twice used to break the batch)."""
        request = self._approved(
            [(self.dock, 1, "returnable")], recipient_user_id=self.project_manager.id
        )
        self._dispatch(request)
        loan = request.sudo().loan_ids
        loan.date_due = self.today - timedelta(days=2)
        self.env["psa.kit.loan"]._cron_remind_loans()
        activities = loan.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("psa_warehouse_kits.mail_activity_kit_loan_due")
            )
        )
        self.assertEqual(activities.user_id, self.project_manager)
        self.assertEqual(len(activities), 2)
        self.assertEqual(set(activities.mapped("res_name")), {loan.name})
        self.assertEqual(
            sorted(activities.mapped("date_deadline")),
            [loan.date_due, self.today],
        )
        self.assertEqual(
            (loan.reminded_on, loan.escalated_on), (self.today, self.today)
        )

    def test_cron_queries_per_batch_do_not_grow(self):
        Loan = self.env["psa.kit.loan"]

        def run(count):
            request = self._approved([(self.dock, count, "returnable")])
            self._stock(self.dock, count)
            request.sudo().picking_ids.move_ids._action_assign()
            self._dispatch(request)
            loans = request.sudo().loan_ids
            self.assertEqual(len(loans), count)
            loans.date_due = self.today - timedelta(days=1)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            Loan._cron_remind_loans(batch_size=1000)
            self.env.flush_all()
            self.assertEqual(set(loans.mapped("escalated_on")), {self.today})
            return self.cr.sql_log_count - before

        run(2)  # warm caches
        self.assertEqual(run(5), run(10))

    def test_write_off_button_proposes_lost_for_a_loan_still_out(self):
        request = self._lend()
        laptop = request.sudo().loan_ids.filtered(
            lambda loan: loan.product_id == self.laptop
        )
        action = laptop.with_user(self.warehouse_user).action_write_off()
        self.assertEqual(action["res_model"], "psa.kit.write.off")
        WriteOff = self.env["psa.kit.write.off"].with_user(self.warehouse_user)
        form = Form(WriteOff.with_context(**action["context"]))
        self.assertEqual(form.kind, "lost")  # not returned: it cannot be scrapped
        form.reason = "Left on the train"
        write_off = form.save()
        self.assertEqual(write_off.loan_id, laptop)
        self.assertEqual(write_off.amount, self.laptop.standard_price)

    def test_write_off_through_the_matrix(self):
        request = self._lend()
        loans = request.sudo().loan_ids
        laptop = loans.filtered(lambda loan: loan.product_id == self.laptop)
        dock = (loans - laptop)[0]
        WriteOff = self.env["psa.kit.write.off"]
        with self.assertRaises(AccessError):  # a requester does not write off
            WriteOff.with_user(self.consultant).create(
                {"loan_id": laptop.id, "kind": "lost", "reason": "Gone"}
            )
        with self.assertRefused(ValidationError, "not returned"):
            WriteOff.with_user(self.warehouse_user).create(
                {"loan_id": laptop.id, "kind": "scrap", "reason": "Broken"}
            )
        lost = WriteOff.with_user(self.warehouse_user).create(
            {"loan_id": laptop.id, "kind": "lost", "reason": "Left in a taxi"}
        )
        self.assertEqual(lost.amount, 1200.0)
        lost.action_request_approval()
        self.assertEqual((lost.state, lost.approval_state), ("to_approve", "pending"))
        with self.assertRaises(AccessError):  # nor approves their own
            lost.action_approve()
        with self.assertRaises(AccessError):
            lost.with_user(self.consultant).action_approve()
        lost.with_user(self.finance).action_approve()
        self.assertEqual(lost.state, "done")
        self.assertEqual(laptop.state, "written_off")
        self.assertFalse(laptop.overdue)
        with self.assertRefused(ValidationError, "has a write-off already"):
            WriteOff.create({"loan_id": laptop.id, "kind": "lost", "reason": "Again"})
        # a dock comes back broken: scrapped from stock once approved
        dock.with_user(self.warehouse_user).action_return()
        dock.return_picking_id.with_user(self.warehouse_user).button_validate()
        scrap = WriteOff.with_user(self.warehouse_user).create(
            {"loan_id": dock.id, "kind": "scrap", "reason": "Cracked casing"}
        )
        scrap.action_request_approval()
        scrap.with_user(self.finance).action_approve()
        self.assertEqual(scrap.scrap_id.state, "done")
        self.assertEqual(scrap.scrap_id.product_id, self.dock)
        self.assertEqual(dock.state, "written_off")
