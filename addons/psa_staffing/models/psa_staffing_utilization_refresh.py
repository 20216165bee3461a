from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .psa_staffing_utilization import CRON_MONTHS_AHEAD, CRON_MONTHS_BACK


class PsaStaffingUtilizationRefresh(models.TransientModel):
    """Rebuild the utilization report for a range of months, now."""

    _name = "psa.staffing.utilization.refresh"
    _description = "Refresh Utilization"

    date_from = fields.Date(
        string="From", required=True, default=lambda self: self._default_date_from()
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: self._default_date_to()
    )

    @api.model
    def _default_date_from(self):
        today = fields.Date.context_today(self)
        return today + relativedelta(months=-CRON_MONTHS_BACK, day=1)

    @api.model
    def _default_date_to(self):
        today = fields.Date.context_today(self)
        return today + relativedelta(months=CRON_MONTHS_AHEAD, day=31)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_to < wizard.date_from:
                raise ValidationError(_("The end of the range is before its start."))
            if wizard.date_to > wizard.date_from + relativedelta(years=2):
                raise ValidationError(_("Refresh at most two years at a time."))

    def action_refresh(self):
        """Rebuild the months of the range and show the report."""
        self.ensure_one()
        self.env["psa.staffing.utilization"]._refresh(self.date_from, self.date_to)
        return self.env["ir.actions.actions"]._for_xml_id(
            "psa_staffing.psa_staffing_utilization_action"
        )
