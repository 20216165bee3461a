from collections import defaultdict
from datetime import datetime, time, timedelta

from pytz import timezone, utc

from odoo import api, models

# Common table expressions giving the hours each employee of a batch is
# expected to work per day: their calendar's working spans (computed in
# Python, once per calendar and time zone) minus the overlap with their
# validated leave (the calendar leaves with their resource, which hr_holidays
# writes on validation). Parameters: see ``_expected_params``; the employees
# and calendars come as arrays, so that the planner knows their sizes. Yields
# ``staff`` (the batch's employees and their facts), ``expected`` (employee,
# day, hours and the employee's facts; days entirely on leave left out) and
# ``first_days`` (the first day of each employee's window). Each array comes
# as one literal (``array_literal``): one constant for the planner, not one
# per element as psycopg2's ARRAY[...] would give.
EXPECTED_SQL = """
WITH staff (employee_id, resource_id, calendar, department_id) AS (
        SELECT * FROM unnest(%(employees)s::int[], %(resources)s::int[],
                             %(calendars)s::int[], %(departments)s::int[])
), days (calendar, day, hours) AS (
        SELECT * FROM unnest(%(day_calendars)s::int[], %(day_days)s::date[],
                             %(day_hours)s::float8[])
), spans (calendar, day, start, stop) AS (
        SELECT * FROM unnest(%(span_calendars)s::int[], %(span_days)s::date[],
                             %(span_starts)s::timestamp[], %(span_stops)s::timestamp[])
), on_leave (employee_id, day, hours) AS (
        SELECT s.employee_id, p.day, sum(date_part(
                   'epoch', LEAST(p.stop, l.date_to) - GREATEST(p.start, l.date_from)
               )) / 3600
          FROM resource_calendar_leaves l
          JOIN staff s ON s.resource_id = l.resource_id
          JOIN spans p ON p.calendar = s.calendar
                      AND l.date_from < p.stop AND l.date_to > p.start
         WHERE l.resource_id = ANY(%(resources)s::int[]) AND l.time_type = 'leave'
           AND l.date_from < %(spans_stop)s AND l.date_to > %(spans_start)s
      GROUP BY s.employee_id, p.day
), expected (employee_id, day, hours, department_id) AS (
        SELECT s.employee_id, d.day,
               CASE WHEN o.hours IS NULL THEN d.hours
                    ELSE round((d.hours - o.hours)::numeric, 2)::float8 END,
               s.department_id
          FROM staff s
          JOIN days d ON d.calendar = s.calendar
     LEFT JOIN on_leave o ON o.employee_id = s.employee_id AND o.day = d.day
         WHERE o.hours IS NULL OR round((d.hours - o.hours)::numeric, 2) > 0
), first_days (employee_id, day) AS (
        SELECT s.employee_id, min(d.day)
          FROM staff s JOIN days d ON d.calendar = s.calendar
      GROUP BY s.employee_id
)
"""

PARAMS = {  # the facts EXPECTED_SQL takes, and their parameters
    "resource": "resources",
    "calendar": "calendars",
    "department": "departments",
}


class ExpectedHoursCache:
    """What a run reads once: the facts of the employees to check (resource,
    calendar and time zone, user, manager's user, department) as they were
    when it began, and each calendar's working spans per day. One run, one
    ``today``, one window."""

    def __init__(self):
        self.employees = {}  # id: {fact: value}, or None without calendar
        self.keys = {}  # (calendar id, tz name): number used in EXPECTED_SQL
        self.days = {}  # number: [(date, [(start, stop)])]
        self.arrays = None  # the days and spans as EXPECTED_SQL wants them


def array_literal(values):
    """``values`` (numbers, dates, datetimes or None) as the text of one
    PostgreSQL array, to be cast in the statement (``%(name)s::int[]``)."""
    return "{%s}" % ",".join(
        "NULL" if value is None else f'"{value}"' for value in values
    )


def utc_naive(moment):
    """An aware datetime as the naive UTC datetime PostgreSQL stores."""
    return moment.astimezone(utc).replace(tzinfo=None)


class PsaStaffingExpectedHours(models.AbstractModel):
    """Hours each employee is expected to work per day over the last working
    days: the working calendar minus public holidays (calendar leaves without
    resource), computed once per calendar and time zone by Odoo's
    ``_work_intervals_batch``, minus the employee's validated leave, which
    PostgreSQL subtracts (see ``EXPECTED_SQL``).

    Unlike ``psa.staffing.capacity``, which calls ``_work_intervals_batch``
    with every employee's resource, the cost does not grow with the number of
    employees sharing a calendar.
    """

    _name = "psa.staffing.expected.hours"
    _description = "Expected Working Hours per Day"

    @api.model
    def _expected_params(self, employee_ids, today, window, cache):
        """The parameters of ``EXPECTED_SQL`` for ``employee_ids`` (those
        with a working calendar), over the last ``window`` working days before
        ``today``, and under ``staff`` the list of those employees' ids.
        ``cache``: an ``ExpectedHoursCache`` kept by the caller for a run; on
        first use it reads every active employee, so that a run reads
        employees and calendars once."""
        unknown = [emp for emp in employee_ids if emp not in cache.employees]
        if unknown:
            self._read_employees(cache, unknown, everyone=not cache.employees)
        staff = [
            (emp, cache.employees[emp])
            for emp in employee_ids
            if cache.employees[emp] is not None
        ]
        if cache.arrays is None:
            cache.arrays = self._calendar_arrays(cache, today, window)
        return {
            "staff": [emp for emp, _facts in staff],
            "employees": array_literal(emp for emp, _facts in staff),
            **{
                param: array_literal(facts[fact] for _emp, facts in staff)
                for fact, param in PARAMS.items()
            },
            **cache.arrays,
        }

    @api.model
    def _read_employees(self, cache, employee_ids, everyone=False):
        """Add to ``cache`` the facts of ``employee_ids`` and, with
        ``everyone``, of every active employee with a calendar."""
        self.env["hr.employee"].flush_model()
        self.env["resource.resource"].flush_model(["tz"])
        self.env.cr.execute(
            """SELECT e.id, e.resource_id, e.resource_calendar_id,
                      COALESCE(r.tz, c.tz, 'UTC'), e.user_id, m.user_id,
                      e.department_id
                 FROM hr_employee e
                 JOIN resource_resource r ON r.id = e.resource_id
                 JOIN resource_calendar c ON c.id = e.resource_calendar_id
            LEFT JOIN hr_employee m ON m.id = e.parent_id
                WHERE e.id = ANY(%s::int[]) OR (%s AND e.active)""",
            [array_literal(employee_ids), everyone],
        )
        cache.employees.update(dict.fromkeys(employee_ids))  # None: no calendar
        keys = cache.keys
        for emp, resource, calendar, tz, *facts in self.env.cr.fetchall():
            user, manager, department = facts
            number = keys.get((calendar, tz))
            if number is None:
                number = keys[calendar, tz] = len(keys)
                cache.arrays = None
            cache.employees[emp] = {
                "resource": resource,
                "calendar": number,
                "user": user,
                "manager": manager,
                "department": department,
            }

    @api.model
    def _calendar_arrays(self, cache, today, window):
        """The working days and spans of every calendar of ``cache``, as
        arrays for ``EXPECTED_SQL``."""
        days, spans = [], []
        for key, number in cache.keys.items():
            if number not in cache.days:
                cache.days[number] = self._calendar_days(key, today, window)
            for day, day_spans in cache.days[number]:
                seconds = sum((end - begin).total_seconds() for begin, end in day_spans)
                days.append((number, day, round(seconds / 3600.0, 2)))
                spans += [
                    (number, day, utc_naive(begin), utc_naive(end))
                    for begin, end in day_spans
                ]
        day_columns = list(zip(*days, strict=True)) or [()] * 3
        span_columns = list(zip(*spans, strict=True)) or [()] * 4
        return {
            "day_calendars": array_literal(day_columns[0]),
            "day_days": array_literal(day_columns[1]),
            "day_hours": array_literal(day_columns[2]),
            "span_calendars": array_literal(span_columns[0]),
            "span_days": array_literal(span_columns[1]),
            "span_starts": array_literal(span_columns[2]),
            "span_stops": array_literal(span_columns[3]),
            "spans_start": min(span_columns[2], default=None),
            "spans_stop": max(span_columns[3], default=None),
            "first_day": min(day_columns[1], default=today),
        }

    @api.model
    def _calendar_days(self, key, today, window):
        """The last ``window`` working days before ``today`` of a calendar in a
        time zone (``key``: calendar id, tz name), net of public holidays:
        ``[(date, [(start, stop)])]`` (aware datetimes)."""
        calendar_id, tz_name = key
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
        return [(day, days[day]) for day in kept]
