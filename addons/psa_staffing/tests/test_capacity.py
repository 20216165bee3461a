from datetime import date, datetime

from odoo.exceptions import ValidationError

from .common import MARCH_2027_HOURS, PsaStaffingCommon

FIRST_WEEK = (date(2027, 3, 1), date(2027, 3, 5))


class TestCapacity(PsaStaffingCommon):
    def test_capacity_and_load_from_calendar(self):
        allocation = self._allocate(hours=92.0)
        self.assertEqual(allocation.capacity_hours, MARCH_2027_HOURS)
        self.assertEqual(allocation.capacity_share, 50.0)
        self.assertEqual(allocation.load_percent, 50.0)
        self.assertEqual(allocation.company_id, self.consultant.company_id)

    def test_days_counted_in_the_employee_time_zone(self):
        calendar = self._create_calendar("Auckland 40h")
        calendar.tz = "Pacific/Auckland"
        kiwi = self._create_employee("Kiwi", calendar=calendar, tz="Pacific/Auckland")
        allocation = self._allocate(kiwi, hours=92.0)
        self.assertEqual(allocation.capacity_hours, MARCH_2027_HOURS)
        week = self._allocate(kiwi, hours=8.0, period=FIRST_WEEK)
        self.assertEqual(week.capacity_hours, 40.0)

    def test_validated_leave_lowers_capacity(self):
        leave_type = self.env["hr.leave.type"].create(
            {
                "name": "PSA Paid Time Off",
                "requires_allocation": "no",
                "leave_validation_type": "hr",
            }
        )
        leave = self.env["hr.leave"].create(
            {
                "employee_id": self.consultant.id,
                "holiday_status_id": leave_type.id,
                "request_date_from": date(2027, 3, 2),
                "request_date_to": date(2027, 3, 3),
            }
        )
        allocation = self._allocate(hours=92.0)
        self.assertEqual(
            allocation.capacity_hours,
            MARCH_2027_HOURS,
            "a time off request that is not validated leaves capacity untouched",
        )
        leave.action_validate()
        self.assertEqual(leave.state, "validate")
        allocation.invalidate_recordset(["capacity_hours", "load_percent"])
        self.assertEqual(allocation.capacity_hours, MARCH_2027_HOURS - 16.0)
        self.assertAlmostEqual(allocation.load_percent, 100.0 * 92 / 168, places=2)
        colleague_booking = self._allocate(self.colleague, hours=10.0)
        self.assertEqual(
            colleague_booking.capacity_hours,
            MARCH_2027_HOURS,
            "the leave of one employee is not the capacity of another",
        )

    def test_public_holiday_lowers_capacity(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "PSA Public Holiday",
                "date_from": datetime(2027, 3, 15, 0, 0),
                "date_to": datetime(2027, 3, 15, 23, 59, 59),
                "calendar_id": False,
                "resource_id": False,
                "company_id": self.env.company.id,
            }
        )
        consultant_booking = self._allocate(hours=10.0)
        colleague_booking = self._allocate(self.colleague, hours=10.0)
        self.assertEqual(consultant_booking.capacity_hours, MARCH_2027_HOURS - 8.0)
        self.assertEqual(colleague_booking.capacity_hours, MARCH_2027_HOURS - 8.0)

    def test_overlapping_bookings_spread_over_working_time(self):
        month = self._allocate(hours=92.0)
        week = self._allocate(hours=20.0, period=FIRST_WEEK, project=self.other_project)
        # the month's booking puts 92 * 40 / 184 = 20 h in the first week
        self.assertEqual(week.capacity_hours, 40.0)
        self.assertEqual(week.load_percent, 100.0)
        month.invalidate_recordset(["load_percent"])
        self.assertEqual(month.load_percent, 100.0 * 112 / 184)
        other = self._allocate(self.colleague, hours=8.0, period=FIRST_WEEK)
        self.assertEqual(
            other.load_percent, 20.0, "other employees' bookings do not count"
        )

    def test_percentage_of_capacity(self):
        allocation = self._allocate(
            hours=None, allocation_type="percent", percent=50.0, period=FIRST_WEEK
        )
        self.assertEqual(allocation.hours, 20.0)
        allocation.date_end = date(2027, 3, 12)
        self.assertEqual(allocation.hours, 40.0, "hours follow the period")

    def test_bad_input_is_refused_and_nothing_written(self):
        Allocation = self.env["psa.allocation"]
        before = Allocation.search_count([])
        no_calendar = self._create_employee("No Calendar", calendar=self.calendar)
        no_calendar.resource_calendar_id = False
        other_company = self.env["res.company"].create({"name": "PSA Other Co"})
        self.resource_manager.company_ids = [(4, other_company.id)]
        foreign = self._create_employee(
            "Foreign Employee",
            company=other_company,
            calendar=self._create_calendar("Other 40h", other_company),
        )
        cases = [
            ({"date_start": date(2027, 3, 10), "date_end": date(2027, 3, 1)}, "End"),
            ({"hours": 0.0}, "Hours"),
            ({"hours": -5.0}, "Hours"),
            (
                {"hours": None, "allocation_type": "percent", "percent": 0.0},
                "Percentage",
            ),
            ({"employee_id": no_calendar.id}, "Working Hours"),
            (
                {"employee_id": foreign.id, "company_id": self.env.company.id},
                "Employee Foreign Employee belongs to PSA Other Co",
            ),
            ({"employee_id": foreign.id}, "Project ERP Roll-out belongs to"),
            ({"project_id": False}, "Project or an Opportunity"),
        ]
        for vals, word in cases:
            with self.subTest(vals=vals), self.assertRaisesRegex(ValidationError, word):
                with self.env.cr.savepoint():
                    self._allocate(**vals)
        self.assertEqual(Allocation.search_count([]), before)

    def test_capacity_batch_query_count(self):
        """Capacity and load of a batch cost the same queries for 2 or 12
        allocations: one _read_group and one calendar batch."""
        employees = self.consultant | self.colleague
        employees |= self.env["hr.employee"].union(
            *(self._create_employee(f"Batch {n}") for n in range(4))
        )
        allocations = self.env["psa.allocation"]
        for employee in employees:
            allocations |= self._allocate(employee, hours=40.0)
            allocations |= self._allocate(employee, hours=10.0, period=FIRST_WEEK)
        small = allocations[:2]

        def read_loads(records):
            records.env.invalidate_all()
            records.mapped("load_percent")

        with self.assertQueryCount(__system__=8):
            read_loads(small)
        with self.assertQueryCount(__system__=8):
            read_loads(allocations)
        self.assertEqual(len(allocations), 12)
        # 10 h in the week, and 40 * 40 / 184 h of the month's booking
        self.assertAlmostEqual(
            allocations[1].load_percent, 100.0 * (10 + 40 * 40 / 184) / 40
        )
