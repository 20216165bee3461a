from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .psa_staffing_capacity import load_percent
from .psa_staffing_daily_load import days_between

DEFAULT_WEEKS = 12
MAX_WEEKS = 52
BOARD_FILTERS = ("job_id", "department_id", "skill_id")
# What a row and its capacity read of each employee.
BOARD_EMPLOYEE_FIELDS = [
    "name",
    "job_id",
    "department_id",
    "resource_id",
    "resource_calendar_id",
]


def load_level(booked, capacity, threshold):
    """Colour of a board cell: ``off`` (no working time, nothing booked),
    ``free`` (nothing booked), ``ok``, ``high`` (above the approval
    threshold) or ``over`` (above 100%)."""
    if round(booked, 2) <= 0:
        return "free" if round(capacity, 2) > 0 else "off"
    load = round(load_percent(round(booked, 2), round(capacity, 2)), 2)
    if load > 100:
        return "over"
    return "high" if load > threshold else "ok"


class PsaStaffingBoard(models.AbstractModel):
    """The capacity board: employees by ISO week, capacity against provisional
    and confirmed hours, coloured by load.

    Project managers and resource managers see every employee of the selected
    companies (as on the bench: they staff from it); a consultant sees their
    own row only. The hours are everybody's bookings; the allocations a click
    opens are those the user's record rules let them read. The figures come
    from ``psa.staffing.daily.load``, so the whole matrix costs the same
    queries for 3 employees or 3,000.
    """

    _name = "psa.staffing.board"
    _description = "Capacity Board"

    @api.model
    def get_board_data(self, date_from=False, weeks=DEFAULT_WEEKS, filters=None):
        """The board from the week of ``date_from`` (default: this week), for
        ``weeks`` weeks, with ``filters`` (``job_id``, ``department_id``,
        ``skill_id``: ids) applied; called by the web client."""
        date_from = fields.Date.to_date(date_from) or fields.Date.context_today(self)
        return self._board_data(date_from, weeks, filters or {})

    @api.model
    def get_board_filters(self):
        """Jobs, departments and skills offered as filters, as ``[id, name]``
        lists of the selected companies."""
        self._check_board_access()
        companies = [("company_id", "in", [*self.env.companies.ids, False])]
        # sudo: names only; hr.job and hr.department are HR officers' models
        jobs = self.env["hr.job"].sudo().search(companies, order="name")
        departments = self.env["hr.department"].sudo().search(companies)
        skills = self.env["hr.skill"].sudo().search([], order="name")
        return {
            "job_id": [[job.id, job.name] for job in jobs],
            "department_id": [[dep.id, dep.complete_name] for dep in departments],
            "skill_id": [[skill.id, skill.display_name] for skill in skills],
        }

    @api.model
    def _board_data(self, date_from, weeks, filters):
        """The whole matrix in one dictionary: ``weeks`` (start, end, ISO
        number), ``rows`` (employee and one cell per week: capacity,
        confirmed, provisional, load, level) and the load ``threshold``."""
        self._check_board_access()
        if (
            not isinstance(weeks, int)
            or isinstance(weeks, bool)
            or not 0 < weeks <= MAX_WEEKS
        ):
            raise UserError(
                _(
                    "The board shows 1 to %(max)s weeks, not %(weeks)s.",
                    max=MAX_WEEKS,
                    weeks=weeks,
                )
            )
        monday = date_from - timedelta(days=date_from.weekday())
        periods = [
            (monday + timedelta(weeks=n), monday + timedelta(weeks=n, days=6))
            for n in range(weeks)
        ]
        employees = self._board_employees(filters)
        days = self.env["psa.staffing.daily.load"]._compute_days(
            employees, periods[0][0], periods[-1][1]
        )
        threshold = self.env["psa.allocation"]._approval_load_threshold()
        today = fields.Date.context_today(self)
        week_days = [days_between(start, end) for start, end in periods]
        return {
            "date_from": fields.Date.to_string(monday),
            "threshold": threshold,
            "weeks": [
                {
                    "start": fields.Date.to_string(start),
                    "end": fields.Date.to_string(end),
                    "number": start.isocalendar()[1],
                    "year": start.isocalendar()[0],
                    "current": start <= today <= end,
                }
                for start, end in periods
            ],
            "rows": [
                self._board_row(employee, days[employee.id], week_days, threshold)
                for employee in employees
            ],
        }

    @api.model
    def _board_row(self, employee, days, weeks, threshold):
        """One employee's row: who they are and a cell per week (given as its
        list of days)."""
        cells = []
        for week in weeks:
            totals = {
                key: round(sum(days[key].get(day, 0.0) for day in week), 2)
                for key in ("capacity", "provisional", "confirmed")
            }
            booked = totals["provisional"] + totals["confirmed"]
            cells.append(
                dict(
                    totals,
                    load=round(load_percent(booked, totals["capacity"]), 1),
                    level=load_level(booked, totals["capacity"], threshold),
                )
            )
        return {
            "id": employee.id,
            "name": employee.name,
            "job": employee.job_id.name or "",
            "department": employee.department_id.name or "",
            "cells": cells,
        }

    @api.model
    def _board_employees(self, filters):
        """Employees on the board: those of the selected companies with a
        working calendar for managers, one's own employee for a consultant."""
        unknown = set(filters) - set(BOARD_FILTERS)
        if unknown:
            raise UserError(
                _("Unknown board filter: %(names)s", names=", ".join(sorted(unknown)))
            )
        domain = [
            ("company_id", "in", self.env.companies.ids),
            ("resource_calendar_id", "!=", False),
        ]
        if not self.env.user.has_group("psa_staffing.group_staffing_project_manager"):
            domain.append(("user_id", "=", self.env.uid))
        try:
            values = {name: int(value) for name, value in filters.items() if value}
        except (TypeError, ValueError) as error:
            raise UserError(_("Board filters take record ids.")) from error
        if "job_id" in values:
            domain.append(("job_id", "=", values["job_id"]))
        if "department_id" in values:
            domain.append(("department_id", "child_of", values["department_id"]))
        if "skill_id" in values:
            domain.append(("employee_skill_ids.skill_id", "=", values["skill_id"]))
        # sudo: calendars and others' profiles; the domain above limits the rows.
        # Read with the search, and their jobs and teams at once: iterated, the
        # ORM would read them 1,000 records at a time.
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search_fetch(domain, BOARD_EMPLOYEE_FIELDS, order="name, id")
        )
        employees.job_id.fetch(["name"])
        employees.department_id.fetch(["name"])
        return employees

    @api.model
    def _check_board_access(self):
        if not self.env.user.has_group("psa_staffing.group_staffing_consultant"):
            raise AccessError(_("The capacity board is for staffing users."))
