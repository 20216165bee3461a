from datetime import date
from unittest.mock import patch

from odoo.exceptions import AccessError

from .watch_common import PsaStaffingWatchCommon

KIND = "timesheet_anomaly"
CHECK = "psa.staffing.watch.anomaly"
TODAY = "2027-03-12"  # a Friday; the week before is checked


class TestWatchAnomaly(PsaStaffingWatchCommon):
    """Too many hours, time off, weekends and unbooked projects are flagged
    for the employee's manager; the lines themselves never change."""

    def setUp(self):
        super().setUp()
        self._allocate()  # the consultant is booked on the project in March
        self._leave(date(2027, 3, 9), date(2027, 3, 9))
        self.normal = self._timesheet("2027-03-05", 8)
        self.long_day = self._timesheet("2027-03-08", 9) | self._timesheet(
            "2027-03-08", 4.5
        )
        self.weekend = self._timesheet("2027-03-06", 2)
        self.on_leave = self._timesheet("2027-03-09", 3)
        self.unbooked = self._timesheet("2027-03-10", 2, project=self.other_project)
        self.lines = (
            self.normal | self.long_day | self.weekend | self.on_leave | self.unbooked
        )

    def test_flags_each_anomaly(self):
        before = self.lines.read(["unit_amount", "date", "project_id", "name"])
        self._run(CHECK, TODAY)
        self.assertFalse(self.normal.psa_anomaly)
        for line in self.long_day:
            self.assertEqual(line.psa_anomaly, "More than 12 h in the day")
        self.assertEqual(self.weekend.psa_anomaly, "On a weekend")
        self.assertEqual(self.on_leave.psa_anomaly, "On time off")
        self.assertEqual(self.unbooked.psa_anomaly, "No allocation on the project")
        self.assertEqual(
            self.lines.read(["unit_amount", "date", "project_id", "name"]),
            before,
            "the watch flags lines, it never changes them",
        )
        exceptions = self._exceptions(self.lines, KIND)
        self.assertEqual(len(exceptions), 5)
        self.assertEqual(exceptions.owner_id, self.manager_user)
        self.assertIn("On a weekend", self._exceptions(self.weekend, KIND).name)

    def test_several_reasons_on_one_line(self):
        line = self._timesheet("2027-03-07", 13, project=self.other_project)
        self._run(CHECK, TODAY)
        self.assertEqual(
            line.psa_anomaly,
            "More than 12 h in the day; On a weekend; No allocation on the project",
        )

    def test_second_run_changes_nothing(self):
        self._run(CHECK, TODAY)
        flags = self.lines.mapped("psa_anomaly")
        exceptions = self._exceptions(self.lines, KIND)
        with self._assert_no_writes():
            self._run(CHECK, TODAY)
        self.assertEqual(self.lines.mapped("psa_anomaly"), flags)
        self.assertEqual(self._exceptions(self.lines, KIND), exceptions)

    def test_crash_half_way_then_rerun(self):
        """Batches of 2: the run dies in its second batch; the next run
        finishes the work without doubling what the first batch did."""
        model = type(self.env[CHECK])
        flag = model._flag
        calls = []

        def crash_on_second_batch(check, lines):
            calls.append(lines)
            if len(calls) == 2:
                raise RuntimeError("worker killed")
            return flag(check, lines)

        with patch.object(model, "_flag", crash_on_second_batch):
            with self.assertRaises(RuntimeError):
                self._run(CHECK, TODAY, batch_size=2)
        done = calls[0]
        self.assertEqual(len(done), 2)
        self.assertFalse((self.lines - done).filtered("psa_anomaly"))
        self._run(CHECK, TODAY, batch_size=2)
        self.assertEqual(len(self.lines.filtered("psa_anomaly")), 5)
        self.assertEqual(len(self._exceptions(self.lines, KIND)), 5)

    def test_fixed_line_is_unflagged_and_resolved(self):
        self._run(CHECK, TODAY)
        self.long_day[1].with_user(self.consultant_user).write({"unit_amount": 1})
        self.weekend.with_user(self.consultant_user).write({"date": date(2027, 3, 4)})
        self._run(CHECK, TODAY)
        self.assertFalse(self.long_day.filtered("psa_anomaly"))
        self.assertFalse(self.weekend.psa_anomaly)
        self.assertFalse(self._exceptions(self.long_day | self.weekend, KIND))
        self.assertEqual(
            len(self._exceptions(self.long_day | self.weekend, KIND, "resolved")), 3
        )

    def test_deleted_line_resolves(self):
        self._run(CHECK, TODAY)
        exception = self._exceptions(self.weekend, KIND)
        self.weekend.with_user(self.consultant_user).unlink()
        self.assertEqual(exception.state, "resolved")

    def test_old_lines_outside_the_week_are_left_alone(self):
        old = self._timesheet("2027-02-27", 14)  # a Saturday, before the week
        self._run(CHECK, TODAY)
        self.assertFalse(old.psa_anomaly)

    def test_old_days_filled_in_late_are_checked(self):
        """A weekend of February logged during the checked week (a month-end
        catch-up) is flagged like a recent one."""
        late = self._timesheet("2027-02-27", 6)  # a Saturday, before the week
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_analytic_line SET write_date = '2027-03-11 17:00'"
            " WHERE id = %s",
            [late.id],
        )
        self.env.invalidate_all()
        self._run(CHECK, TODAY)
        self.assertIn("weekend", (late.psa_anomaly or "").lower())
        self.assertEqual(self._exceptions(late, KIND).state, "open")

    def test_threshold_from_settings(self):
        self.env["ir.config_parameter"].set_param(
            "psa_staffing.watch_max_daily_hours", 14
        )
        self._run(CHECK, TODAY)
        self.assertFalse(self.long_day.filtered("psa_anomaly"))

    def test_consultant_cannot_clear_a_flag(self):
        self._run(CHECK, TODAY)
        with self.assertRaises(AccessError):
            self.weekend.with_user(self.consultant_user).write({"psa_anomaly": False})
        with self.assertRaises(AccessError):
            self.env["account.analytic.line"].with_user(self.consultant_user).create(
                {
                    "name": "Sneaky",
                    "project_id": self.project.id,
                    "unit_amount": 1,
                    "psa_anomaly": "fine",
                }
            )
        self.assertEqual(self.weekend.psa_anomaly, "On a weekend")

    def test_consultant_cannot_read_manager_exceptions(self):
        self._run(CHECK, TODAY)
        exception = self._exceptions(self.weekend, KIND)
        with self.assertRaises(AccessError):
            exception.with_user(self.consultant_user).read(["name"])
        self.assertFalse(
            self.env["psa.exception"]
            .with_user(self.colleague_user)
            .search([("kind", "=", KIND)])
        )
        self.assertEqual(
            exception.with_user(self.manager_user).owner_id, self.manager_user
        )
