from collections import defaultdict
from datetime import timedelta

from odoo import _, api, models

from .psa_staffing_watch import BATCH_SIZE

ENDING = "allocation_ending"
# A booking of the same employee on the same project starting within this
# many days after the end counts as the follow-on (a weekend, a short gap).
FOLLOW_ON_DAYS = 7


class PsaStaffingWatchEnding(models.AbstractModel):
    """Allocations ending within the setting's days (default 14) without a
    follow-on: a later allocation of the same employee on the same project,
    starting at most ``FOLLOW_ON_DAYS`` after the end. The exception goes to
    the allocation's resource manager and is resolved once a follow-on is
    booked or the allocation has ended."""

    _name = "psa.staffing.watch.ending"
    _inherit = "psa.staffing.watch"
    _description = "Staffing Watch: Allocations Ending"

    @api.model
    def _watch(self, batch_size=BATCH_SIZE):
        """Open or resolve the exceptions of allocations ending soon, and of
        those that had one."""
        today = self._today()
        horizon = today + timedelta(
            days=int(self._watch_param("watch_ending_days", 14))
        )
        domain = [
            ("project_id", "!=", False),
            "|",
            "&",
            ("date_end", ">=", today),
            ("date_end", "<=", horizon),
            ("id", "in", self._with_open_exception(ENDING)),
        ]
        for allocations in self._walk("psa.allocation", domain, batch_size):
            self._check(allocations, today, horizon)

    def _check(self, allocations, today, horizon):
        followed = self._followed(allocations)
        ending = allocations.filtered(
            lambda a: today <= a.date_end <= horizon and a.id not in followed
        )
        exceptions = self.env["psa.exception"]
        if ending:
            exceptions._open_exceptions(
                ending,
                ENDING,
                lambda a: _(
                    "%(name)s ends on %(end)s with no follow-on booked",
                    name=a.display_name,
                    end=a.date_end,
                ),
                owner=lambda a: a._watch_owner(),
            )
        if allocations - ending:
            exceptions._close_exceptions(
                allocations - ending,
                ENDING,
                _("A follow-on is booked, or the allocation has ended."),
            )

    def _followed(self, allocations):
        """Ids of ``allocations`` that have a follow-on; one search."""
        gap = timedelta(days=FOLLOW_ON_DAYS)
        later = self.env["psa.allocation"].search_read(
            [
                ("employee_id", "in", allocations.employee_id.ids),
                ("project_id", "in", allocations.project_id.ids),
                ("date_end", ">", min(allocations.mapped("date_end"))),
                ("date_start", "<=", max(allocations.mapped("date_end")) + gap),
            ],
            ["employee_id", "project_id", "date_start", "date_end"],
            load=None,
        )
        by_pair = defaultdict(list)
        for other in later:
            by_pair[other["employee_id"], other["project_id"]].append(other)
        return {
            alloc.id
            for alloc in allocations
            if any(
                other["id"] != alloc.id
                and other["date_end"] > alloc.date_end
                and other["date_start"] <= alloc.date_end + gap
                for other in by_pair[alloc.employee_id.id, alloc.project_id.id]
            )
        }
