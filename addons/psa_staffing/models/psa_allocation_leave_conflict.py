from odoo import SUPERUSER_ID, _, api, fields, models

from .psa_staffing_watch import check_watch_flags

LEAVE_CONFLICT = "allocation_leave_conflict"
# Exceptions the staffing checks open on allocations
ALLOCATION_KINDS = (LEAVE_CONFLICT, "allocation_ending", "allocation_actuals")


class PsaAllocationLeaveConflict(models.AbstractModel):
    """Flags allocations that overlap validated time off of their employee.

    The flag follows the leave (validated, refused, cancelled, moved; see
    ``hr.leave``) and the allocation (created, moved to other dates or another
    employee). A flagged allocation has an open ``allocation_leave_conflict``
    exception owned by its resource manager (``_watch_owner()``); clearing the
    flag resolves it.
    """

    _name = "psa.allocation.leave.conflict"
    _description = "Allocation Leave Conflict"

    # set by the leave check only, never typed in
    _watch_flag_fields = ["leave_conflict"]

    leave_conflict = fields.Boolean(
        readonly=True,
        copy=False,
        index=True,
        help="The employee has validated time off during the allocation.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """Bookings made over validated time off are flagged at once."""
        check_watch_flags(self, vals_list, self._watch_flag_fields)
        records = super().create(vals_list)
        records._sync_leave_conflicts()
        return records

    def write(self, vals):
        """Moving a booking re-checks it against the employee's time off."""
        check_watch_flags(self, [vals], self._watch_flag_fields)
        res = super().write(vals)
        if {"employee_id", "date_start", "date_end"} & set(vals):
            self._sync_leave_conflicts()
        return res

    def unlink(self):
        """A deleted booking has nothing left to fix: resolve its exceptions."""
        for kind in ALLOCATION_KINDS:
            self.env["psa.exception"]._close_exceptions(
                self, kind, _("The allocation was deleted.")
            )
        return super().unlink()

    def _watch_owner(self):
        """Who handles this allocation's exceptions: the resource manager who
        booked it, or the project manager when it was booked automatically.
        Override to route them elsewhere."""
        self.ensure_one()
        booker = self.create_uid
        if booker and booker.id != SUPERUSER_ID and booker.active and not booker.share:
            return booker
        return self.project_id.user_id or self.lead_id.user_id

    def _sync_leave_conflicts(self):
        """Set or clear the flag of these allocations from the validated time
        off of their employees, and open or resolve their exceptions; a fixed
        number of queries for any number of allocations."""
        allocations = self.sudo().filtered(lambda a: a.date_start and a.date_end)
        if not allocations:
            return
        spans = self.env["hr.leave"]._psa_spans_by_employee(
            allocations.employee_id,
            min(allocations.mapped("date_start")),
            max(allocations.mapped("date_end")),
        )
        conflicting = allocations.filtered(
            lambda a: any(
                first <= a.date_end and last >= a.date_start
                for first, last in spans[a.employee_id.id]
            )
        )
        clear = allocations - conflicting
        conflicting.filtered(lambda a: not a.leave_conflict).write(
            {"leave_conflict": True}
        )
        clear.filtered("leave_conflict").write({"leave_conflict": False})
        exceptions = self.env["psa.exception"]
        if conflicting:
            exceptions._open_exceptions(
                conflicting,
                LEAVE_CONFLICT,
                lambda a: _(
                    "%(employee)s has validated time off during %(name)s "
                    "(%(start)s - %(end)s)",
                    employee=a.employee_id.name,
                    name=a.display_name,
                    start=a.date_start,
                    end=a.date_end,
                ),
                owner=lambda a: a._watch_owner(),
            )
        if clear:
            exceptions._close_exceptions(
                clear, LEAVE_CONFLICT, _("No validated time off overlaps it any more.")
            )
