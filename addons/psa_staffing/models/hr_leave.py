from collections import defaultdict

from odoo import api, models

# Changes of a time off that may move it onto or off allocations
CONFLICT_FIELDS = {
    "state",
    "active",
    "employee_id",
    "date_from",
    "date_to",
    "request_date_from",
    "request_date_to",
}


class HrLeave(models.Model):
    """Validated time off flags the allocations it overlaps; refusing,
    cancelling or moving it re-checks them (see ``psa.allocation``)."""

    _inherit = "hr.leave"

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        leaves._psa_sync_allocations(leaves._psa_validated_spans())
        return leaves

    def write(self, vals):
        if not CONFLICT_FIELDS & set(vals):
            return super().write(vals)
        before = self._psa_validated_spans()
        res = super().write(vals)
        self._psa_sync_allocations(before + self._psa_validated_spans())
        return res

    def unlink(self):
        spans = self._psa_validated_spans()
        res = super().unlink()
        self._psa_sync_allocations(spans)
        return res

    def _psa_validated_spans(self):
        """``(employee id, first day, last day)`` of the validated leaves."""
        return [
            (leave.employee_id.id, leave.request_date_from, leave.request_date_to)
            for leave in self.sudo()
            if leave.state == "validate"
            and leave.active
            and leave.employee_id
            and leave.request_date_from
            and leave.request_date_to
        ]

    @api.model
    def _psa_spans_by_employee(self, employees, first, last, full_days=False):
        """Validated time off of ``employees`` overlapping ``first``-``last``,
        as ``{employee id: [(first day, last day)]}``, in one query;
        ``full_days``: leave out half days and hours off (room left for work)."""
        domain = [
            ("employee_id", "in", employees.ids),
            ("state", "=", "validate"),
            ("request_date_from", "<=", last),
            ("request_date_to", ">=", first),
        ]
        if full_days:
            domain += [
                ("request_unit_half", "=", False),
                ("request_unit_hours", "=", False),
            ]
        spans = defaultdict(list)
        for leave in self.sudo().search_read(
            domain, ["employee_id", "request_date_from", "request_date_to"], load=None
        ):
            spans[leave["employee_id"]].append(
                (leave["request_date_from"], leave["request_date_to"])
            )
        return spans

    @api.model
    def _psa_sync_allocations(self, spans):
        """Re-check the allocations overlapping ``spans``: one search for the
        whole batch of leaves, then one sync of the allocations found."""
        if not spans:
            return
        domain = []
        for employee_id, first, last in set(spans):
            term = [
                "&",
                "&",
                ("employee_id", "=", employee_id),
                ("date_start", "<=", last),
                ("date_end", ">=", first),
            ]
            domain = ["|", *term, *domain] if domain else term
        self.env["psa.allocation"].sudo().search(domain)._sync_leave_conflicts()
