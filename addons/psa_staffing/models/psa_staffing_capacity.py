from collections import defaultdict
from datetime import datetime, time, timedelta

from pytz import timezone, utc

from odoo import api, models

# Load shown when hours are booked on a period without any working time: above
# every threshold, so such a booking always needs an approval.
LOAD_WITHOUT_CAPACITY = 999.0


def load_percent(allocated, capacity):
    """Allocated hours as a percentage of capacity."""
    if not allocated:
        return 0.0
    return 100.0 * allocated / capacity if capacity else LOAD_WITHOUT_CAPACITY


class PsaStaffingCapacity(models.AbstractModel):
    """Capacity and allocated hours of employees over periods, in batches.

    Capacity is the working calendar of the employee minus validated leave and
    public holidays: hr_holidays writes a ``resource.calendar.leaves`` per
    validated time off (with the employee's resource), and public holidays are
    calendar leaves without resource, so ``_work_intervals_batch`` removes both.

    The hours of an allocation are spread over its own working time, so a
    period covering part of an allocation counts that part of its hours.
    """

    _name = "psa.staffing.capacity"
    _description = "Staffing Capacity"

    @api.model
    def _compute(self, queries, exclude=None, extra=(), with_allocated=True):
        """Capacity and allocated hours for each ``(employee, date_from, date_to)``.

        ``exclude``: allocations left out of the database read (because their
        current values are given in ``extra`` as ``(employee, date_from,
        date_to, hours)``). Costs one ``_read_group`` on allocations for all
        employees, and the calendar queries once per working calendar.
        Returns a list of ``(capacity_hours, allocated_hours)``, in order.
        """
        if not queries:
            return []
        # sudo: calendars and leave are not on the public employee profile
        self = self.sudo()
        employees = self.env["hr.employee"].union(*(q[0] for q in queries))
        start = min(q[1] for q in queries)
        stop = max(q[2] for q in queries)
        booked = defaultdict(list)
        if with_allocated:
            for employee, date_from, date_to, hours in self._booked(
                employees, start, stop, exclude
            ):
                booked[employee.id].append((date_from, date_to, hours))
            for employee, date_from, date_to, hours in extra:
                booked[employee.id].append((date_from, date_to, hours))
            for rows in booked.values():
                start = min([start, *(row[0] for row in rows)])
                stop = max([stop, *(row[1] for row in rows)])
        intervals = self._work_intervals(employees, start, stop)
        results = []
        for employee, date_from, date_to in queries:
            work = intervals.get(employee.id, ([], utc))
            capacity = self._hours_in(work, date_from, date_to)
            allocated = 0.0
            for alloc_from, alloc_to, hours in booked[employee.id]:
                first, last = max(alloc_from, date_from), min(alloc_to, date_to)
                if first > last:
                    continue
                whole = self._hours_in(work, alloc_from, alloc_to)
                if whole:
                    allocated += hours * self._hours_in(work, first, last) / whole
                else:
                    days = (last - first).days + 1
                    allocated += hours * days / ((alloc_to - alloc_from).days + 1)
            results.append((capacity, allocated))
        return results

    @api.model
    def _booked(self, employees, date_from, date_to, exclude=None):
        """Hours booked on ``employees`` by allocations overlapping the period,
        provisional and confirmed, grouped by employee and dates."""
        domain = [
            ("employee_id", "in", employees.ids),
            ("date_start", "<=", date_to),
            ("date_end", ">=", date_from),
        ]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        groups = (
            self.env["psa.allocation"]
            .sudo()
            ._read_group(
                domain,
                ["employee_id", "date_start:day", "date_end:day"],
                ["hours:sum"],
            )
        )
        return [
            (employee, self._as_date(first), self._as_date(last), hours)
            for employee, first, last, hours in groups
        ]

    @staticmethod
    def _as_date(value):
        return value.date() if isinstance(value, datetime) else value

    @api.model
    def _work_intervals(self, employees, date_from, date_to):
        """Working intervals net of leave and public holidays, per employee id,
        as ``(sorted [(start, stop)], tz)``; one batch per working calendar,
        after one read of the employees and one of their resources, whatever
        their number."""
        # A day of margin on each side: employees' days start in their own tz.
        start_dt = utc.localize(datetime.combine(date_from - timedelta(days=1), time()))
        stop_dt = utc.localize(datetime.combine(date_to + timedelta(days=2), time()))
        result = {}
        # each set in one query: iterated, the ORM reads 1,000 records at a time
        employees.fetch(["resource_id", "resource_calendar_id"])
        employees.resource_id.fetch(["calendar_id", "tz", "company_id"])
        employees = employees.filtered("resource_calendar_id")
        for calendar in employees.resource_calendar_id:
            staff = employees.filtered(
                lambda e, c=calendar: e.resource_calendar_id == c
            )
            batch = calendar._work_intervals_batch(
                start_dt, stop_dt, resources=staff.resource_id
            )
            for employee in staff:
                tz = timezone(employee.tz or calendar.tz or "UTC")
                spans = sorted(
                    (begin, end) for begin, end, _meta in batch[employee.resource_id.id]
                )
                result[employee.id] = (spans, tz)
        return result

    @staticmethod
    def _hours_in(work, date_from, date_to):
        """Hours of ``work`` between the start of ``date_from`` and the end of
        ``date_to``, days taken in the employee's time zone."""
        spans, tz = work
        begin = tz.localize(datetime.combine(date_from, time()))
        end = tz.localize(datetime.combine(date_to + timedelta(days=1), time()))
        seconds = 0.0
        for span_start, span_stop in spans:
            if span_stop <= begin:
                continue
            if span_start >= end:
                break
            seconds += (min(span_stop, end) - max(span_start, begin)).total_seconds()
        return seconds / 3600.0
