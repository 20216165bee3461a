from collections import defaultdict
from datetime import timedelta

from odoo import _, api, models

from .psa_staffing_watch import BATCH_SIZE
from .psa_staffing_watch_anomaly import _as_date

ACTUALS = "allocation_actuals"
# Allocations are compared with the timesheets for a month after they end:
# late timesheets still count, and a fixed exception is resolved.
LOOKBACK_DAYS = 31


class PsaStaffingWatchActuals(models.AbstractModel):
    """Booking against actuals: an allocation that has ended with timesheeted
    hours (employee, project, allocation's dates) further from its booked hours
    than the setting's percentage (default 30%) opens an exception for its
    resource manager; it is resolved when late timesheets bring it within.
    Time on a project without any allocation is a timesheet anomaly
    (``psa.staffing.watch.anomaly``)."""

    _name = "psa.staffing.watch.actuals"
    _inherit = "psa.staffing.watch"
    _description = "Staffing Watch: Booking against Actuals"

    @api.model
    def _watch(self, batch_size=BATCH_SIZE):
        """Compare the allocations ended in the last month with their
        timesheets, batch by batch."""
        today = self._today()
        domain = [
            ("project_id", "!=", False),
            "|",
            "&",
            ("date_end", "<", today),
            ("date_end", ">=", today - timedelta(days=LOOKBACK_DAYS)),
            ("id", "in", self._with_open_exception(ACTUALS)),
        ]
        for allocations in self._walk("psa.allocation", domain, batch_size):
            self._check(allocations, today)

    def _check(self, allocations, today):
        threshold = self._watch_param("watch_actuals_variance_percent", 30.0)
        actual = self._actual_hours(allocations)
        off = allocations.filtered(
            lambda a: (
                a.date_end < today
                and a.hours > 0
                and abs(actual[a.id] - a.hours) * 100.0 > threshold * a.hours
            )
        )
        exceptions = self.env["psa.exception"]
        if off:
            exceptions._open_exceptions(
                off,
                ACTUALS,
                lambda a: _(
                    "%(name)s: %(actual)s h timesheeted for %(hours)s h booked "
                    "(%(variance)+d%%)",
                    name=a.display_name,
                    actual=round(actual[a.id], 2),
                    hours=round(a.hours, 2),
                    variance=round(100.0 * (actual[a.id] - a.hours) / a.hours),
                ),
                owner=lambda a: a._watch_owner(),
            )
        if allocations - off:
            exceptions._close_exceptions(
                allocations - off,
                ACTUALS,
                _("The timesheets are within the threshold of the booking."),
            )

    def _actual_hours(self, allocations):
        """Timesheeted hours per allocation id; one grouped query."""
        groups = self.env["account.analytic.line"]._read_group(
            [
                *self.env["psa.staffing.watch.anomaly"]._timesheet_domain(),
                ("employee_id", "in", allocations.employee_id.ids),
                ("project_id", "in", allocations.project_id.ids),
                ("date", ">=", min(allocations.mapped("date_start"))),
                ("date", "<=", max(allocations.mapped("date_end"))),
            ],
            ["employee_id", "project_id", "date:day"],
            ["unit_amount:sum"],
        )
        days = defaultdict(list)
        for employee, project, day, hours in groups:
            days[(employee.id, project.id)].append((_as_date(day), hours))
        return {
            a.id: sum(
                hours
                for day, hours in days[(a.employee_id.id, a.project_id.id)]
                if a.date_start <= day <= a.date_end
            )
            for a in allocations
        }
