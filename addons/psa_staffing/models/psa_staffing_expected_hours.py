from collections import defaultdict
from datetime import datetime, time, timedelta

from pytz import timezone, utc

from odoo import api, models


class PsaStaffingExpectedHours(models.AbstractModel):
    """Hours each employee is expected to work per day over the last working
    days: the working calendar minus public holidays (calendar leaves without
    resource), computed once per calendar and time zone, minus the employee's
    validated leave (calendar leaves with their resource, which hr_holidays
    writes on validation), read in one query for a batch of employees.

    Unlike ``psa.staffing.capacity``, which calls ``_work_intervals_batch``
    with every employee's resource, the cost does not grow with the number of
    employees sharing a calendar.
    """

    _name = "psa.staffing.expected.hours"
    _description = "Expected Working Hours per Day"

    @api.model
    def _compute(self, staff, today, window, calendars):
        """``staff``: ``{employee_id: {"resource", "calendar", "tz", ...}}``.
        ``calendars``: a dict kept by the caller for a run, caching each
        calendar's working days. Returns ``{employee_id: {date: hours}}``
        over the last ``window`` working days of their calendar before
        ``today``, and ``{employee_id: first day of that window}``."""
        keys = {emp: (facts["calendar"], facts["tz"]) for emp, facts in staff.items()}
        for key in set(keys.values()):
            self._calendar_days(key, today, window, calendars)
        leave = self._leave_intervals(
            staff, [calendars[key] for key in set(keys.values())]
        )
        # one dict per calendar, shared by its employees without leave: the
        # callers only read it
        plain = {
            key: {day: hours for day, (hours, _spans) in calendars[key].items()}
            for key in set(keys.values())
        }
        expected, first_days = {}, {}
        for emp, key in keys.items():
            days = calendars[key]
            if days:
                first_days[emp] = min(days)
            taken = leave.get(staff[emp]["resource"])
            expected[emp] = self._net_of_leave(days, taken) if taken else plain[key]
        return expected, first_days

    @staticmethod
    def _net_of_leave(days, taken):
        """Hours of each day of ``days`` outside the ``taken`` intervals."""
        hours = {}
        for day, (day_hours, spans) in days.items():
            seconds = day_hours * 3600.0
            for leave_from, leave_to in taken:
                for begin, end in spans:
                    overlap = min(end, leave_to) - max(begin, leave_from)
                    seconds -= max(overlap.total_seconds(), 0.0)
            if seconds > 0:
                hours[day] = round(seconds / 3600.0, 2)
        return hours

    @api.model
    def _calendar_days(self, key, today, window, calendars):
        """The last ``window`` working days before ``today`` of a calendar in a
        time zone (``key``: calendar id, tz name), net of public holidays:
        ``{date: (hours, [(start, stop)])}``, kept in ``calendars``."""
        calendar_id, tz_name = key
        if key not in calendars:
            tz = timezone(tz_name)
            calendar = self.env["resource.calendar"].sudo().browse(calendar_id)
            first = today - timedelta(days=max(14, 3 * window))
            start_dt = tz.localize(datetime.combine(first, time()))
            stop_dt = tz.localize(datetime.combine(today, time()))
            intervals = calendar._work_intervals_batch(start_dt, stop_dt, tz=tz)[False]
            days = defaultdict(list)
            for begin, end, _meta in intervals:
                days[begin.astimezone(tz).date()].append((begin, end))
            kept = sorted(day for day in days if day < today)[-window:]
            calendars[key] = {
                day: (
                    round(
                        sum((end - begin).total_seconds() for begin, end in days[day])
                        / 3600.0,
                        2,
                    ),
                    days[day],
                )
                for day in kept
            }
        return calendars[key]

    @api.model
    def _leave_intervals(self, staff, calendar_days):
        """Validated leave of the batch's resources (hr_holidays writes one
        calendar leave with the resource per validated time off), as aware
        UTC intervals per resource id, over the days of ``calendar_days``."""
        spans = [
            span
            for days in calendar_days
            for _hours, day_spans in days.values()
            for span in day_spans
        ]
        if not spans:
            return {}
        start = min(begin for begin, _end in spans).astimezone(utc).replace(tzinfo=None)
        stop = max(end for _begin, end in spans).astimezone(utc).replace(tzinfo=None)
        self.env["resource.calendar.leaves"].flush_model()
        self.env.cr.execute(
            "SELECT resource_id, date_from, date_to FROM resource_calendar_leaves"
            " WHERE resource_id = ANY(%s) AND time_type = 'leave'"
            " AND date_from < %s AND date_to > %s",
            [[facts["resource"] for facts in staff.values()], stop, start],
        )
        leave = defaultdict(list)
        for resource_id, date_from, date_to in self.env.cr.fetchall():
            leave[resource_id].append((utc.localize(date_from), utc.localize(date_to)))
        return leave
