from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import api, models


def days_between(date_from, date_to):
    """Every date from ``date_from`` to ``date_to``, both included."""
    return [
        date_from + timedelta(days=n) for n in range((date_to - date_from).days + 1)
    ]


class PsaStaffingDailyLoad(models.AbstractModel):
    """Capacity and booked hours of employees day by day, in one batch.

    The capacity board and the utilization report sum these days into weeks
    and months. The figures are those of ``psa.staffing.capacity``: working
    time net of validated leave and public holidays, days taken in the
    employee's time zone, and the hours of an allocation spread over its own
    working time (evenly over its days when it has none). Provisional and
    confirmed hours are kept apart.
    """

    _name = "psa.staffing.daily.load"
    _description = "Staffing Daily Load"

    @api.model
    def _compute_days(self, employees, date_from, date_to):
        """Capacity and booked hours of ``employees`` on each day of the period.

        Returns ``{employee_id: {"capacity": {day: hours},
        "provisional": {day: hours}, "confirmed": {day: hours}}}``, days
        without hours left out. Costs one ``_read_group`` on allocations and
        the calendar queries once per working calendar, whatever the number
        of employees.
        """
        # sudo: calendars, leave and others' bookings are not public
        employees = employees.sudo()
        bookings = self._booked_by_state(employees, date_from, date_to)
        start = min([date_from, *(b[1] for b in bookings)])
        stop = max([date_to, *(b[2] for b in bookings)])
        intervals = self.env["psa.staffing.capacity"]._work_intervals(
            employees, start, stop
        )
        result = {}
        for employee in employees:
            spans, tz = intervals.get(employee.id, ([], None))
            result[employee.id] = {
                "capacity": self._hours_by_day(spans, tz),
                "provisional": defaultdict(float),
                "confirmed": defaultdict(float),
            }
        period = set(days_between(date_from, date_to))
        for employee_id, first, last, state, hours in bookings:
            days = result[employee_id]
            capacity = days["capacity"]
            span = days_between(first, last)
            whole = sum(capacity.get(day, 0.0) for day in span)
            booked = days[state]
            for day in period.intersection(span):
                if whole:
                    booked[day] += hours * capacity.get(day, 0.0) / whole
                else:
                    booked[day] += hours / len(span)
        for days in result.values():
            days["capacity"] = {
                day: hours
                for day, hours in days["capacity"].items()
                if date_from <= day <= date_to
            }
        return result

    @api.model
    def _booked_by_state(self, employees, date_from, date_to):
        """Hours of the allocations overlapping the period, grouped by
        employee, dates and booking state, as tuples
        ``(employee_id, first day, last day, booking_state, hours)``."""
        groups = (
            self.env["psa.allocation"]
            .sudo()
            ._read_group(
                [
                    ("employee_id", "in", employees.ids),
                    ("date_start", "<=", date_to),
                    ("date_end", ">=", date_from),
                ],
                ["employee_id", "date_start:day", "date_end:day", "booking_state"],
                ["hours:sum"],
            )
        )
        as_date = self.env["psa.staffing.capacity"]._as_date
        return [
            (employee.id, as_date(first), as_date(last), state, hours)
            for employee, first, last, state, hours in groups
        ]

    @staticmethod
    def _hours_by_day(spans, tz):
        """Working hours of ``spans`` per day of the time zone ``tz``, a span
        crossing midnight split between its two days."""
        hours = defaultdict(float)
        for span_start, span_stop in spans:
            begin = span_start.astimezone(tz)
            end = span_stop.astimezone(tz)
            if begin.date() == end.date():  # most spans: no midnight inside
                hours[begin.date()] += (end - begin).total_seconds() / 3600.0
                continue
            while begin < end:
                midnight = tz.localize(
                    datetime.combine(begin.date() + timedelta(days=1), time())
                )
                cut = min(end, midnight)
                hours[begin.date()] += (cut - begin).total_seconds() / 3600.0
                begin = cut
        return hours
