from unittest.mock import patch

import psycopg2

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.psa_staffing.models.psa_staffing_expected_hours import (
    ExpectedHoursCache,
)
from odoo.addons.psa_staffing.models.psa_timesheet_compliance_cron import (
    PsaTimesheetCompliance,
)

from .compliance_common import TODAY, WINDOW, PsaComplianceCommon

# Queries of one batch after the first of a run (which also reads the
# calendars), whatever its size: one statement for the rows (expected and
# logged hours, upsert, clean-up), then reminders and escalations.
BATCH_QUERIES = 13


@tagged("post_install", "-at_install")
class TestTimesheetComplianceBatch(PsaComplianceCommon):
    def _state(self):
        rows = self.Compliance.search([])
        # ctid changes whenever PostgreSQL writes a new version of the row
        self.env.cr.execute(
            "SELECT id, ctid::text FROM psa_timesheet_compliance WHERE id = ANY(%s)",
            [rows.ids],
        )
        versions = sorted(self.env.cr.fetchall())
        messages = self.env["mail.message"].search_count(
            [("model", "in", ("hr.employee", "psa.exception"))]
        )
        return (
            versions,
            sorted(rows.mapped(lambda r: (r.id, r.state))),
            sorted(self._reminders(self.consultant | self.colleague).ids),
            sorted(self._escalations(self.consultant | self.colleague).ids),
            messages,
        )

    def test_second_run_changes_nothing(self):
        Compliance = self.Compliance
        Compliance._cron_timesheet_compliance(today=TODAY)
        self.env.invalidate_all()
        first = self._state()
        self.assertTrue(first[0] and first[1] and first[2])
        Compliance._cron_timesheet_compliance(today=TODAY)
        self.assertEqual(self._state(), first, "the night's employees are done")
        # even when asked again, the check rewrites nothing and posts nothing
        self.env.cr.execute("DELETE FROM psa_timesheet_compliance_mark")
        Compliance._cron_timesheet_compliance(today=TODAY)
        self.env.invalidate_all()
        self.assertEqual(self._state(), first)

    def _versions(self, employee):
        """{day: (row id, row version)} of ``employee``'s rows."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT date, id, ctid::text FROM psa_timesheet_compliance"
            " WHERE employee_id = %s",
            [employee.id],
        )
        return {day: (row_id, ctid) for day, row_id, ctid in self.env.cr.fetchall()}

    def test_only_changed_days_are_rewritten(self):
        """A day filled in since is updated in place, a day now on leave is
        deleted; the other rows, of an employee without team too, are left
        as they are until the employee joins a team."""
        self.colleague.department_id = False
        self._check()
        consultant, colleague = (
            self._versions(self.consultant),
            self._versions(self.colleague),
        )
        self.assertEqual(len(colleague), 5)
        self._log(self.consultant, WINDOW[3], 8.0)
        self._take_leave(self.consultant, WINDOW[4])
        self.env.invalidate_all()
        self.assertEqual(self._check(), {self.consultant.id: 0, self.colleague.id: 5})
        after = self._versions(self.consultant)
        self.assertNotIn(WINDOW[4], after, "the day now on leave is deleted")
        self.assertEqual(after[WINDOW[3]][0], consultant[WINDOW[3]][0], "same row")
        self.assertNotEqual(after[WINDOW[3]][1], consultant[WINDOW[3]][1], "updated")
        self.assertEqual(self._rows(self.consultant).mapped("state"), ["ok"] * 3)
        for day in (WINDOW[0], WINDOW[1]):
            self.assertEqual(after[day], consultant[day], "unchanged: not rewritten")
        self.assertEqual(self._versions(self.colleague), colleague, "no team: kept")
        self.colleague.department_id = self.support
        self._check()
        self.assertEqual(self._rows(self.colleague).department_id, self.support)

    def test_rerun_after_crash_completes_the_rest(self):
        calls = []
        original = PsaTimesheetCompliance._check_employees

        def crash_on_second_batch(model, employee_ids, *args, **kwargs):
            calls.append(employee_ids)
            if len(calls) == 2:
                raise RuntimeError("worker killed")
            return original(model, employee_ids, *args, **kwargs)

        # no assertRaises: its savepoint would also undo the first batch,
        # which a real run has committed before the crash
        with patch.object(
            PsaTimesheetCompliance, "_check_employees", crash_on_second_batch
        ):
            crash = None
            try:
                self.Compliance._cron_timesheet_compliance(batch_size=2, today=TODAY)
            except RuntimeError as error:
                crash = error
        self.assertEqual(str(crash), "worker killed")
        done = set(calls[0])
        self.env.cr.execute(
            "SELECT employee_id FROM psa_timesheet_compliance_mark WHERE date = %s",
            [TODAY],
        )
        self.assertEqual({row[0] for row in self.env.cr.fetchall()}, done)

        self.Compliance._cron_timesheet_compliance(batch_size=2, today=TODAY)
        self.env.cr.execute(
            "SELECT count(*) FROM hr_employee e"
            " LEFT JOIN psa_timesheet_compliance_mark k ON k.employee_id = e.id"
            " WHERE e.active AND e.resource_calendar_id IS NOT NULL"
            " AND k.date IS DISTINCT FROM %s",
            [TODAY],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0, "every employee checked")
        self.assertEqual(len(self._rows(self.colleague)), len(WINDOW))
        self.assertEqual(len(self._reminders(self.consultant | self.colleague)), 2)
        self.assertEqual(len(self._escalations(self.colleague)), 1)

    def test_workers_skip_employees_claimed_by_another(self):
        self.env.cr.execute(
            "SELECT id FROM hr_employee WHERE active"
            " AND resource_calendar_id IS NOT NULL ORDER BY id"
        )
        committed = [row[0] for row in self.env.cr.fetchall()]
        with self.registry.cursor() as other:
            # another worker holds the first committed employees
            other.execute(
                "SELECT id FROM hr_employee WHERE id = ANY(%s) ORDER BY id LIMIT 3"
                " FOR UPDATE SKIP LOCKED",
                [committed],
            )
            held = {row[0] for row in other.fetchall()}
            self.assertTrue(held, "demo employees are committed: one is lockable")
            claimed = self.Compliance._claim_employees(TODAY, 10_000)
            other.rollback()
        self.assertFalse(held & set(claimed))
        self.assertIn(self.consultant.id, claimed)

    def test_run_comes_back_for_employees_another_worker_held(self):
        """Claims go on from the last employee claimed; an employee another
        worker held when the run passed it is checked at the end of the run."""
        self.env.cr.execute(
            "SELECT id FROM hr_employee WHERE active"
            " AND resource_calendar_id IS NOT NULL ORDER BY id LIMIT 1"
        )
        first = self.env.cr.fetchone()[0]
        original = PsaTimesheetCompliance._check_employees
        with self.registry.cursor() as other:
            other.execute(
                "SELECT id FROM hr_employee WHERE id = %s FOR UPDATE", [first]
            )
            batches = []

            def release_after_first_batch(model, employee_ids, *args, **kwargs):
                batches.append(employee_ids)
                if len(batches) == 1:
                    other.rollback()  # the other worker is done with it
                return original(model, employee_ids, *args, **kwargs)

            with patch.object(
                PsaTimesheetCompliance, "_check_employees", release_after_first_batch
            ):
                self.Compliance._cron_timesheet_compliance(batch_size=2, today=TODAY)
        self.assertNotIn(first, batches[0], "held when the run began")
        self.assertEqual(batches[-1], [first], "checked last")
        self.env.cr.execute(
            "SELECT date FROM psa_timesheet_compliance_mark WHERE employee_id = %s",
            [first],
        )
        self.assertEqual(self.env.cr.fetchone()[0], TODAY)

    def _staff(self, count, tag):
        """``count`` employees with users, all behind on their timesheets, one
        in two enough to be escalated."""
        users = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                [
                    {
                        "name": f"Bench {tag} {i}",
                        "login": f"psa_bench_{tag}_{i}",
                        "groups_id": [(6, 0, self.env.ref("base.group_user").ids)],
                    }
                    for i in range(count)
                ]
            )
        )
        employees = self.env["hr.employee"].create(
            [
                {
                    "name": user.name,
                    "user_id": user.id,
                    "resource_calendar_id": self.calendar.id,
                    "tz": "UTC",
                    "department_id": self.delivery.id,
                    "parent_id": self.manager.id,
                }
                for user in users
            ]
        )
        self.env["account.analytic.line"].sudo().create(
            [
                {
                    "name": "Work",
                    "project_id": self.project.id,
                    "employee_id": employee.id,
                    "date": day,
                    "unit_amount": 8.0,
                }
                for i, employee in enumerate(employees)
                for day in WINDOW[: 1 + 3 * (i % 2)]
            ]
        )
        return employees

    def test_queries_per_batch_do_not_grow_with_its_size(self):
        small, large = self._staff(10, "s"), self._staff(50, "l")
        # caches of the registry (activity type, model ids) and of a run (the
        # calendars), as for every batch of a night but the first
        cache = ExpectedHoursCache()
        self.Compliance._check_employees(
            (self.consultant | self.colleague).ids, TODAY, cache=cache
        )
        counts = []
        for employees in (small, large):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            with self.assertQueryCount(BATCH_QUERIES):
                missing = self.Compliance._check_employees(
                    employees.ids, TODAY, cache=cache
                )
            counts.append(self.cr.sql_log_count - before)
            self.assertEqual(sorted(set(missing.values())), [1, 4])
            self.assertEqual(len(self._reminders(employees)), len(employees))
            self.assertEqual(len(self._escalations(employees)), len(employees) // 2)
        self.assertEqual(counts[0], counts[1], "10 and 50 employees: same queries")

    def test_employee_unknown_to_the_run(self):
        """A run reads every active employee once, with its first batch; an
        employee it did not read (reactivated since) is read when checked."""
        self.colleague.active = False
        cache = ExpectedHoursCache()
        self.Compliance._check_employees(self.consultant.ids, TODAY, cache=cache)
        self.assertNotIn(self.colleague.id, cache.employees)
        self.colleague.active = True
        missing = self.Compliance._check_employees(
            self.colleague.ids, TODAY, cache=cache
        )
        self.assertEqual(missing, {self.colleague.id: len(WINDOW)})
        self.assertEqual(self._rows(self.colleague).mapped("date"), WINDOW[::-1])
        self.assertEqual(len(self._reminders(self.colleague)), 1)

    def test_late_worker_cannot_mark_a_batch_again(self):
        """A worker whose snapshot predates another's committed batch claims
        those employees again (their locks are gone), but cannot mark them:
        its batch fails and is rolled back instead of reminding twice."""
        Compliance = self.Compliance.sudo()
        with self.registry.cursor() as late, self.registry.cursor() as early:
            late.execute("SELECT 1")  # its snapshot is taken now
            early_env = Compliance.with_env(Compliance.env(cr=early))
            batch = early_env._claim_employees(TODAY, 3)
            self.assertTrue(batch, "demo employees are committed")
            early_env._mark_checked(batch, TODAY)
            early.commit()
            try:
                late_env = Compliance.with_env(Compliance.env(cr=late))
                self.assertTrue(
                    set(batch) <= set(late_env._claim_employees(TODAY, 10_000))
                )
                with (
                    mute_logger("odoo.sql_db"),
                    self.assertRaises(psycopg2.errors.SerializationFailure),
                ):
                    late_env._mark_checked(batch, TODAY)
            finally:
                late.rollback()
                early.execute(
                    "DELETE FROM psa_timesheet_compliance_mark"
                    " WHERE employee_id = ANY(%s)",
                    [batch],
                )
                early.commit()
