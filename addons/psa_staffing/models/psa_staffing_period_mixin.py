from odoo import models


class PsaStaffingPeriodMixin(models.AbstractModel):
    """Send a record back to approval when its period moves after submission.

    The dates are not in ``_approval_guarded_fields`` because the approval log
    keeps a JSON snapshot of those fields, and dates are not JSON values; the
    reset is the same, logged with the other guarded fields.
    """

    _name = "psa.staffing.period.mixin"
    _description = "Approval Reset on Period Change"

    _approval_period_fields = ["date_start", "date_end"]

    def write(self, vals):
        """Reset pending or approved records whose dates change."""
        moved_fields = sorted(set(self._approval_period_fields) & set(vals))
        # the approval mixin resets already when a guarded field changes too
        if moved_fields and not set(self._approval_guarded_fields) & set(vals):
            moved = self.filtered(lambda r: r.approval_state in ("pending", "approved"))
        else:
            moved = self.browse()
        res = super().write(vals)
        if moved:
            self.env["psa.approval.review"].sudo()._reset(moved, moved_fields)
        return res
