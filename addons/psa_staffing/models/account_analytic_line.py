from odoo import _, api, fields, models

from .psa_staffing_watch import check_watch_flags


class AccountAnalyticLine(models.Model):
    """Timesheet lines carry the anomalies the staffing watch found on them.

    The watch flags, it never changes or deletes a line: the employee's
    manager decides, from the exception it opens.
    """

    _inherit = "account.analytic.line"

    psa_anomaly = fields.Char(
        string="Anomaly",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Set by the nightly staffing watch: too many hours in the day, "
        "time on a day of time off or on a weekend, time on a project without "
        "an allocation.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_watch_flags(self, vals_list, ["psa_anomaly"])
        return super().create(vals_list)

    def write(self, vals):
        check_watch_flags(self, [vals], ["psa_anomaly"])
        return super().write(vals)

    def unlink(self):
        """A deleted line is no anomaly any more: resolve its exceptions."""
        self.env["psa.exception"]._close_exceptions(
            self, "timesheet_anomaly", _("The timesheet line was deleted.")
        )
        return super().unlink()
