from datetime import date

from odoo.exceptions import AccessError

from .watch_common import PsaStaffingWatchCommon

KIND = "allocation_leave_conflict"


class TestWatchLeaveConflict(PsaStaffingWatchCommon):
    """Validated time off flags the allocations it overlaps, for the resource
    manager who booked them; refusing, cancelling or moving clears it."""

    def setUp(self):
        super().setUp()
        self.allocation = self._allocate()

    def test_validation_flags_and_opens_exception(self):
        leave = self._leave(date(2027, 3, 8), date(2027, 3, 10), validate=False)
        self.assertFalse(self.allocation.leave_conflict, "a request is no conflict")
        self.assertFalse(self._exceptions(self.allocation, KIND))
        leave.action_validate()
        self.assertTrue(self.allocation.leave_conflict)
        exception = self._exceptions(self.allocation, KIND)
        self.assertEqual(len(exception), 1)
        self.assertEqual(exception.owner_id, self.resource_manager)
        self.assertIn("Ada Consultant", exception.name)

    def test_other_employee_and_other_dates_untouched(self):
        other = self._allocate(self.colleague)
        self._leave(date(2027, 4, 5), date(2027, 4, 6))
        self._leave(date(2027, 3, 8), date(2027, 3, 8), employee=self.manager)
        self.assertFalse((self.allocation | other).filtered("leave_conflict"))

    def test_refuse_clears_and_resolves(self):
        leave = self._leave(date(2027, 3, 8), date(2027, 3, 10))
        leave.action_refuse()
        self.assertFalse(self.allocation.leave_conflict)
        self.assertFalse(self._exceptions(self.allocation, KIND))
        self.assertEqual(len(self._exceptions(self.allocation, KIND, "resolved")), 1)

    def test_cancel_clears(self):
        leave = self._leave(date(2027, 3, 8), date(2027, 3, 10))
        leave._force_cancel("Plans changed")
        self.assertFalse(self.allocation.leave_conflict)
        self.assertFalse(self._exceptions(self.allocation, KIND))

    def test_second_leave_keeps_flag_until_both_gone(self):
        first = self._leave(date(2027, 3, 8), date(2027, 3, 8))
        self._leave(date(2027, 3, 22), date(2027, 3, 22))
        first.action_refuse()
        self.assertTrue(self.allocation.leave_conflict)
        self.assertEqual(len(self._exceptions(self.allocation, KIND)), 1)

    def test_moving_the_allocation_clears_then_flags_again(self):
        self._leave(date(2027, 3, 8), date(2027, 3, 10))
        self.allocation.write(
            {"date_start": date(2027, 4, 1), "date_end": date(2027, 4, 30)}
        )
        self.assertFalse(self.allocation.leave_conflict)
        self.assertFalse(self._exceptions(self.allocation, KIND))
        self.allocation.write({"date_start": date(2027, 3, 10)})
        self.assertTrue(self.allocation.leave_conflict)
        self.assertEqual(len(self._exceptions(self.allocation, KIND)), 1)

    def test_booking_over_validated_leave_is_flagged(self):
        self._leave(date(2027, 5, 3), date(2027, 5, 4), employee=self.colleague)
        booking = self._allocate(
            self.colleague, period=(date(2027, 5, 1), date(2027, 5, 31))
        )
        self.assertTrue(booking.leave_conflict)
        self.assertTrue(self._exceptions(booking, KIND))

    def test_batch_of_leaves_validated_together(self):
        """Validating several leaves at once flags each overlapped booking."""
        leaves = self._leave(
            date(2027, 3, 8), date(2027, 3, 8), validate=False
        ) | self._leave(
            date(2027, 3, 9), date(2027, 3, 9), employee=self.colleague, validate=False
        )
        other = self._allocate(self.colleague)
        leaves.action_validate()
        self.assertTrue(self.allocation.leave_conflict)
        self.assertTrue(other.leave_conflict)

    def test_sync_queries_flat(self):
        """Re-checking after leaves are refused costs the same queries for 5
        leaves (and allocations) as for 30."""
        staff = self.env["hr.employee"].union(
            *(self._create_employee(f"Staff {index}") for index in range(30))
        )

        def build(count):
            leaves = self.env["hr.leave"]
            for employee in staff[:count]:
                self._allocate(employee)
                leaves |= self._leave(date(2027, 3, 8), date(2027, 3, 8), employee)
            spans = leaves._psa_validated_spans()
            self.env.flush_all()
            # refused behind the ORM's back: what is measured is the re-check
            self.env.cr.execute(
                "UPDATE hr_leave SET state = 'refuse' WHERE id IN %s",
                [tuple(leaves.ids)],
            )
            return spans

        def run(spans):
            self.env["hr.leave"]._psa_sync_allocations(spans)

        self._count_queries(build, run, 5)  # warm the caches
        five = self._count_queries(build, run, 5)
        self.assertEqual(self._count_queries(build, run, 30), five)
        allocations = self.env["psa.allocation"].search(
            [("employee_id", "in", staff.ids)]
        )
        self.assertFalse(allocations, "rolled back")

    def test_flag_not_writable_by_hand(self):
        self._leave(date(2027, 3, 8), date(2027, 3, 10))
        for user in (self.consultant_user, self.project_manager, self.resource_manager):
            with self.assertRaises(AccessError):
                self.allocation.with_user(user).write({"leave_conflict": False})
        self.assertTrue(self.allocation.leave_conflict)

    def test_consultant_cannot_read_the_exception(self):
        self._leave(date(2027, 3, 8), date(2027, 3, 10))
        exception = self._exceptions(self.allocation, KIND)
        with self.assertRaises(AccessError):
            exception.with_user(self.consultant_user).read(["name"])
        self.assertEqual(
            exception.with_user(self.resource_manager).name, exception.name
        )
