from freezegun import freeze_time

from odoo import fields

from odoo.addons.psa_approvals.tests.common import assert_no_writes

from .common import PsaStaffingCommon


class PsaStaffingWatchCommon(PsaStaffingCommon):
    """Time off, timesheets and a way to run one check of the nightly watch;
    the consultant reports to a manager whose user is ``manager_user``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        timesheets = cls.env.ref("hr_timesheet.group_hr_timesheet_user")
        (cls.consultant_user | cls.colleague_user).groups_id = [(4, timesheets.id)]
        cls.manager_user = cls._create_user("psa_watch_manager")
        cls.manager = cls._create_employee("Mia Manager", cls.manager_user)
        cls.consultant.parent_id = cls.manager
        cls.colleague.parent_id = cls.manager
        cls.leave_type = cls.env["hr.leave.type"].create(
            {
                "name": "PSA Paid Time Off",
                "requires_allocation": "no",
                "leave_validation_type": "hr",
                "request_unit": "day",
            }
        )
        cls.env["ir.config_parameter"].set_param(
            "psa_staffing.watch_max_daily_hours", 12
        )
        cls.env["ir.config_parameter"].set_param("psa_staffing.watch_ending_days", 14)
        cls.env["ir.config_parameter"].set_param(
            "psa_staffing.watch_actuals_variance_percent", 30
        )

    def _leave(self, first, last, employee=None, validate=True):
        leave = (
            self.env["hr.leave"]
            .with_context(leave_skip_date_check=True)
            .create(
                {
                    "name": "Holiday",
                    "employee_id": (employee or self.consultant).id,
                    "holiday_status_id": self.leave_type.id,
                    "request_date_from": first,
                    "request_date_to": last,
                }
            )
        )
        if validate:
            leave.action_validate()
        return leave

    def _timesheet(self, day, hours, employee=None, project=None):
        return self.env["account.analytic.line"].create(
            {
                "name": "Work",
                "employee_id": (employee or self.consultant).id,
                "project_id": (project or self.project).id,
                "date": fields.Date.to_date(day),
                "unit_amount": hours,
            }
        )

    def _exceptions(self, records, kind, state="open"):
        return self.env["psa.exception"].search(
            [
                ("kind", "=", kind),
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("state", "=", state),
            ]
        )

    def _run(self, check, today, batch_size=500):
        """Run the check model ``check`` as the cron does, on ``today``."""
        with freeze_time(today):
            self.env[check].sudo()._watch(batch_size)
        self.env.invalidate_all()

    def _assert_no_writes(self):
        return assert_no_writes(self)

    def _queries(self, check, today, build, count):
        """Queries of one run of ``check`` over what ``build(count)`` made,
        rolled back afterwards."""
        return self._count_queries(
            build, lambda _built: self.env[check].sudo()._watch(), count, today
        )

    def _count_queries(self, build, run, count, today="2027-03-01"):
        """Queries of ``run(build(count))`` on ``today``, rolled back after."""
        self.env.cr.execute("SAVEPOINT psa_watch_perf")
        built = build(count)
        self.env.flush_all()
        self.env.invalidate_all()
        with freeze_time(today):
            before = self.env.cr.sql_log_count
            run(built)
            queries = self.env.cr.sql_log_count - before
        self.env.cr.execute("ROLLBACK TO SAVEPOINT psa_watch_perf")
        self.env.invalidate_all()
        return queries

    def _assert_flat(self, check, today, build):
        """Same queries for 5 records as for 30 (assertQueryCount fails on
        more queries, the equality on fewer)."""
        self._queries(check, today, build, 5)  # warm the caches
        five = self._queries(check, today, build, 5)
        self.assertEqual(self._queries(check, today, build, 30), five, check)
        build(30)
        with freeze_time(today), self.assertQueryCount(five):
            self.env[check].sudo()._watch()
