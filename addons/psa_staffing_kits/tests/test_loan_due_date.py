from datetime import date

from odoo.tests import tagged

from .common import PsaStaffingKitsCommon


@tagged("post_install", "-at_install")
class TestLoanDueDate(PsaStaffingKitsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._stock(cls.laptop, 1, serials=("LAP-201",))
        cls._stock(cls.dock, 2)
        # the bookings are months ahead: hold their reservations meanwhile
        cls.env["ir.config_parameter"].set_param("psa_warehouse_kits.release_days", 365)

    def _lend(self, allocation):
        """The proposal submitted by the project manager, approved (no rule:
        at once), dispatched by the warehouse: its loans are out."""
        allocation.action_confirm()
        request = self._proposals().with_user(self.project_manager)
        request.action_request_approval()
        self.assertEqual(request.state, "reserved")
        request = request.sudo()
        self._dispatch(request)
        return request

    def test_loans_due_at_allocation_end_and_follow_it(self):
        allocation = self._allocate(hours=self._hours_for_load(50))
        request = self._lend(allocation)
        loans = request.loan_ids
        self.assertEqual(len(loans), 2, "laptop and dock; the cable is expensed")
        self.assertEqual(set(loans.mapped("date_due")), {date(2027, 3, 31)})
        allocation.write({"date_end": date(2027, 4, 15)})
        self.assertEqual(set(loans.mapped("date_due")), {date(2027, 4, 15)})
        self.assertIn("now due on 2027-04-15", allocation.message_ids[:1].body)
        # a returned loan stays as it was
        dock = loans.filtered(lambda loan: loan.product_id == self.dock)
        dock.with_user(self.warehouse_user).action_return()
        self.assertEqual(dock.state, "returning")
        dock.return_picking_id.button_validate()
        self.assertEqual(dock.state, "returned")
        allocation.with_user(self.resource_manager).write(
            {"date_end": date(2027, 3, 20)}
        )
        laptop = loans - dock
        self.assertEqual(laptop.date_due, date(2027, 3, 20))
        self.assertEqual(dock.date_due, date(2027, 4, 15))

    def test_loans_of_other_requests_keep_the_project_end(self):
        self.project.write({"date_start": date(2027, 1, 1), "date": date(2027, 6, 30)})
        allocation = self._allocate(hours=self._hours_for_load(50))
        allocation.action_confirm()
        request = self._proposals()
        request.allocation_id = False
        request.with_user(self.project_manager).action_request_approval()
        self._dispatch(request)
        self.assertEqual(set(request.loan_ids.mapped("date_due")), {date(2027, 6, 30)})
        allocation.write({"date_end": date(2027, 4, 15)})
        self.assertEqual(set(request.loan_ids.mapped("date_due")), {date(2027, 6, 30)})

    def test_follow_on_booking_extends_the_loans(self):
        allocation = self._allocate(hours=self._hours_for_load(30))
        request = self._lend(allocation)
        loans = request.loan_ids
        follow_on = self._allocate(
            hours=self._hours_for_load(30), period=(date(2027, 4, 5), date(2027, 4, 30))
        )
        self.assertEqual(set(loans.mapped("date_due")), {date(2027, 3, 31)})
        follow_on.with_user(self.resource_manager).action_confirm()
        self.assertEqual(len(self._proposals()), 1, "the consultant has a kit")
        self.assertEqual(set(loans.mapped("date_due")), {date(2027, 4, 30)})
        self.assertIn("now due on 2027-04-30", allocation.message_ids[:1].body)
        # the follow-on moves: the loans follow it
        follow_on.with_user(self.resource_manager).write(
            {"date_end": date(2027, 5, 14)}
        )
        self.assertEqual(set(loans.mapped("date_due")), {date(2027, 5, 14)})
        # a booking starting later than a week after the end is no follow-on
        follow_on.with_user(self.resource_manager).write(
            {"date_start": date(2027, 4, 12)}
        )
        self.assertEqual(set(loans.mapped("date_due")), {date(2027, 3, 31)})
        follow_on.write({"date_start": date(2027, 4, 1)})
        self.assertEqual(set(loans.mapped("date_due")), {date(2027, 5, 14)})
        # released or deleted, it no longer extends them
        follow_on.with_user(self.resource_manager).action_set_provisional()
        self.assertEqual(set(loans.mapped("date_due")), {date(2027, 3, 31)})
        follow_on.action_confirm()
        self.assertEqual(set(loans.mapped("date_due")), {date(2027, 5, 14)})
        follow_on.unlink()
        self.assertEqual(set(loans.mapped("date_due")), {date(2027, 3, 31)})

    def test_loans_dispatched_after_the_follow_on_are_due_at_its_end(self):
        allocation = self._allocate(hours=self._hours_for_load(30))
        allocation.action_confirm()
        self._allocate(
            hours=self._hours_for_load(30),
            period=(date(2027, 4, 1), date(2027, 4, 30)),
            booking_state="confirmed",
        )
        request = self._proposals().with_user(self.project_manager)
        request.action_request_approval()
        self._dispatch(request.sudo())
        self.assertEqual(
            set(request.sudo().loan_ids.mapped("date_due")), {date(2027, 4, 30)}
        )
