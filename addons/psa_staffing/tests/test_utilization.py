from datetime import date
from unittest.mock import patch

from odoo.exceptions import AccessError

from .common import PsaStaffingCommon

MARCH = (date(2027, 3, 1), date(2027, 3, 31))


class TestUtilization(PsaStaffingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Utilization = cls.env["psa.staffing.utilization"]
        cls.job_senior.psa_utilization_target = 70.0
        cls.job_junior.psa_utilization_target = 90.0
        cls.colleague.psa_utilization_target = 60.0
        cls.billable_project = cls.env["project.project"].create(
            {"name": "Billable Audit", "allow_billable": True}
        )
        cls.project.allow_billable = False
        cls.jobless = cls._create_employee("Jo Jobless")

    def _timesheet(self, employee, project, day, hours):
        return self.env["account.analytic.line"].create(
            {
                "name": "Work",
                "employee_id": employee.id,
                "project_id": project.id,
                "date": day,
                "unit_amount": hours,
            }
        )

    def _refresh(self, period=MARCH, user=None):
        user = user or self.resource_manager
        return self.Utilization.with_user(user)._refresh(*period)

    def _rows(self, employee, **domain):
        return self.Utilization.search(
            [("employee_id", "=", employee.id)]
            + [(name, "=", value) for name, value in domain.items()],
            order="date",
        )

    def _fixture(self):
        self._timesheet(self.consultant, self.billable_project, date(2027, 3, 1), 12.0)
        self._timesheet(self.consultant, self.billable_project, date(2027, 3, 2), 8.0)
        self._timesheet(self.consultant, self.project, date(2027, 3, 3), 6.0)
        self._timesheet(self.colleague, self.billable_project, date(2027, 3, 9), 30.0)
        self._allocate(
            hours=10.0,
            period=(date(2027, 3, 1), date(2027, 3, 5)),
            booking_state="confirmed",
        )
        self._allocate(hours=8.0, period=(date(2027, 3, 1), date(2027, 3, 5)))

    def test_row_figures_billable_apart_and_targets(self):
        self._fixture()
        self._refresh()
        week = self._rows(self.consultant, date=date(2027, 3, 1))
        self.assertEqual(week.date_end, date(2027, 3, 7))
        self.assertEqual(week.job_id, self.job_senior)
        self.assertEqual(
            (
                week.capacity_hours,
                week.confirmed_hours,
                week.provisional_hours,
                week.billable_hours,
                week.non_billable_hours,
            ),
            (40.0, 10.0, 8.0, 20.0, 6.0),
        )
        self.assertEqual(week.utilization_percent, 50.0)
        self.assertEqual(week.target_percent, 70.0, "the job's target")
        self.assertEqual(week.target_hours, 28.0)
        self.assertEqual(week.variance_hours, -8.0)
        self.assertEqual(week.variance_percent, -20.0)

        colleague = self._rows(self.colleague, date=date(2027, 3, 8))
        self.assertEqual(colleague.target_percent, 60.0, "the employee's own target")
        self.assertEqual(colleague.utilization_percent, 75.0)
        self.assertEqual(colleague.variance_percent, 15.0)
        self.assertEqual(
            set(self._rows(self.jobless).mapped("target_percent")),
            {80.0},
            "without a target anywhere: 80%",
        )
        self.assertEqual(
            [(r.date, r.date_end) for r in self._rows(self.consultant)],
            [
                (date(2027, 3, 1), date(2027, 3, 7)),
                (date(2027, 3, 8), date(2027, 3, 14)),
                (date(2027, 3, 15), date(2027, 3, 21)),
                (date(2027, 3, 22), date(2027, 3, 28)),
                (date(2027, 3, 29), date(2027, 3, 31)),
            ],
        )

    def test_weeks_across_months_are_split(self):
        self._refresh((date(2027, 3, 20), date(2027, 4, 2)))
        rows = self._rows(self.consultant).filtered(
            lambda r: r.date >= date(2027, 3, 29)
        )
        self.assertEqual(
            [(r.date, r.date_end, r.capacity_hours) for r in rows[:2]],
            [
                (date(2027, 3, 29), date(2027, 3, 31), 24.0),
                (date(2027, 4, 1), date(2027, 4, 4), 16.0),
            ],
        )
        self.assertEqual(rows[-1].date_end, date(2027, 4, 30), "whole months")

    def test_group_percentages_are_ratios_of_sums(self):
        self._fixture()
        self._refresh()
        groups = self.Utilization.read_group(
            [("employee_id", "=", self.consultant.id)],
            ["utilization_percent:avg", "target_percent", "variance_percent:avg"],
            ["date:month"],
        )
        self.assertEqual(len(groups), 1)
        march = groups[0]
        # 20 billable hours over 184 h of March: 10.87%, not the 10% average
        # of the five rows (50, 0, 0, 0, 0)
        self.assertAlmostEqual(march["utilization_percent"], 100 * 20 / 184, places=6)
        self.assertAlmostEqual(march["target_percent"], 70.0, places=6)
        self.assertAlmostEqual(march["variance_percent"], 100 * 20 / 184 - 70, places=6)
        self.assertEqual(march["capacity_hours"], 184.0)

    def test_refresh_is_idempotent_and_keeps_other_months(self):
        self._fixture()
        self._refresh((date(2027, 2, 1), date(2027, 3, 31)))
        february = self.Utilization.search([("date", "<", date(2027, 3, 1))])
        self.assertTrue(february)

        def snapshot():
            rows = self.Utilization.search([("date", ">=", date(2027, 3, 1))])
            return sorted(
                (
                    r.employee_id.id,
                    r.date,
                    r.capacity_hours,
                    r.confirmed_hours,
                    r.provisional_hours,
                    r.billable_hours,
                    r.non_billable_hours,
                    r.variance_hours,
                )
                for r in rows
            )

        first = snapshot()
        self._refresh()
        self.assertEqual(snapshot(), first, "the same rows, not twice as many")
        self.assertTrue(february.exists(), "February is left alone")
        self._timesheet(self.consultant, self.billable_project, date(2027, 3, 4), 4.0)
        self._refresh()
        self.assertEqual(
            self._rows(self.consultant, date=date(2027, 3, 1)).billable_hours, 24.0
        )

    def test_consultant_sees_only_their_rows(self):
        self._fixture()
        self._refresh()
        as_consultant = self.Utilization.with_user(self.consultant_user)
        self.assertEqual(as_consultant.search([]).employee_id, self.consultant)
        other = self._rows(self.colleague)[:1].with_user(self.consultant_user)
        with self.assertRaises(AccessError):
            other.read(["billable_hours"])
        with self.assertRaises(AccessError):
            self._refresh(user=self.consultant_user)
        as_manager = self.Utilization.with_user(self.resource_manager).search([])
        self.assertIn(self.colleague, as_manager.employee_id)

    def test_cron_and_wizard_refresh(self):
        self.Utilization._cron_refresh()
        today = date.today()
        self.assertTrue(
            self._rows(self.consultant).filtered(
                lambda r: r.date <= today <= r.date_end
            )
        )
        wizard = (
            self.env["psa.staffing.utilization.refresh"]
            .with_user(self.resource_manager)
            .create({"date_from": MARCH[0], "date_to": MARCH[1]})
        )
        action = wizard.action_refresh()
        self.assertEqual(action["res_model"], "psa.staffing.utilization")
        self.assertEqual(len(self._rows(self.consultant, date=date(2027, 3, 1))), 1)

    def test_cron_rebuilds_in_batches_and_survives_a_crash(self):
        """The nightly rebuild commits one batch of employees at a time: a
        crash keeps the batches done, the next night does them all and drops
        the rows of employees no longer reported."""
        self.Utilization.search([]).unlink()  # demo rows
        Utilization = type(self.Utilization)
        original = Utilization._refresh
        batches = []

        def crash_on_second_batch(model, *args, **kwargs):
            batches.append(args[3])
            if len(batches) == 2:
                raise RuntimeError("worker killed")
            return original(model, *args, **kwargs)

        # the first batch ends with the consultant, the colleague comes later
        companies = self.env["res.company"].search([])
        reported = self.Utilization._reported_employees(companies).ids
        size = reported.index(self.consultant.id) + 1
        self.assertGreaterEqual(reported.index(self.colleague.id), size)
        # no assertRaises: its savepoint would also undo the first batch,
        # which a real run has committed before the crash
        crash = None
        with patch.object(Utilization, "_refresh", crash_on_second_batch):
            try:
                self.Utilization._cron_refresh(batch_size=size)
            except RuntimeError as error:
                crash = error
        self.assertEqual(str(crash), "worker killed")
        self.assertIn(self.consultant, batches[0])
        self.assertTrue(self._rows(self.consultant), "the batch done is kept")
        self.assertFalse(self._rows(self.colleague), "not reached by the crashed run")

        self.Utilization._cron_refresh(batch_size=2)
        self.assertIn(self.consultant, self.Utilization.search([]).employee_id)
        self.assertIn(self.colleague, self.Utilization.search([]).employee_id)
        self.colleague.action_archive()
        self.Utilization._cron_refresh(batch_size=2)
        self.assertFalse(self._rows(self.colleague), "no longer reported")
        self.assertTrue(self._rows(self.consultant))

    def test_targets_on_forms_for_hr_officers(self):
        for model in ("hr.job", "hr.employee"):
            views = (
                self.env[model].with_user(self.hr_officer).get_views([(False, "form")])
            )
            self.assertIn(
                'name="psa_utilization_target"', views["views"]["form"]["arch"], model
            )
        job_form = (
            self.env["hr.job"]
            .with_user(self.consultant_user)
            .get_views([(False, "form")])
        )
        self.assertNotIn("psa_utilization_target", job_form["views"]["form"]["arch"])
        self.assertEqual(self.consultant._psa_utilization_target(), 70.0)
        self.consultant.psa_utilization_target = 85.0
        self.assertEqual(self.consultant._psa_utilization_target(), 85.0)
