from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .compliance_common import HOLIDAY, TODAY, WINDOW, PsaComplianceCommon


@tagged("post_install", "-at_install")
class TestTimesheetCompliance(PsaComplianceCommon):
    def test_expected_days_skip_weekend_holiday_and_leave(self):
        self._check()
        consultant = self._rows(self.consultant)
        self.assertEqual(
            consultant.mapped("date"),
            [date(2027, 3, 12), date(2027, 3, 11), date(2027, 3, 8), date(2027, 3, 5)],
            "no row on the weekend, the public holiday (10th) nor the leave (9th)",
        )
        self.assertEqual(set(consultant.mapped("expected_hours")), {8.0})
        colleague = self._rows(self.colleague)
        self.assertEqual(sorted(colleague.mapped("date")), WINDOW)
        self.assertNotIn(HOLIDAY, colleague.mapped("date"))
        by_date = {row.date: row for row in consultant}
        self.assertEqual(by_date[date(2027, 3, 5)].state, "ok")
        self.assertEqual(
            by_date[date(2027, 3, 8)].state, "ok", "0.25 h short is within tolerance"
        )
        self.assertEqual(by_date[date(2027, 3, 8)].missing_hours, 0.25)
        self.assertEqual(by_date[date(2027, 3, 11)].state, "missing")
        self.assertEqual(by_date[date(2027, 3, 11)].missing_hours, 8.0)
        self.assertEqual(consultant.department_id, self.delivery)
        self.assertEqual(consultant.manager_user_id, self.project_manager)
        self.assertEqual(consultant.user_id, self.consultant_user)

    def test_half_day_leave_halves_the_expected_hours(self):
        leave = self.env["resource.calendar.leaves"].create(
            {
                "name": "Dentist",
                "resource_id": self.colleague.resource_id.id,
                "calendar_id": self.calendar.id,
                "date_from": "2027-03-12 08:00:00",
                "date_to": "2027-03-12 12:00:00",
                "time_type": "leave",
            }
        )
        self._check()
        row = self._rows(self.colleague).filtered(
            lambda r: r.date == leave.date_from.date()
        )
        self.assertEqual(row.expected_hours, 4.0)

    def test_one_reminder_closed_when_filled(self):
        self.assertEqual(self._check(), {self.consultant.id: 2, self.colleague.id: 5})
        reminder = self._reminders(self.consultant)
        self.assertEqual(len(reminder), 1, "one reminder for all the missing days")
        self.assertEqual(reminder.user_id, self.consultant_user)
        self.assertNotIn(
            self.consultant_user.partner_id,
            self.consultant.message_partner_ids,
            "the reminder does not subscribe the consultant to their HR file",
        )
        self._check()
        self.assertEqual(self._reminders(self.consultant), reminder, "not a second one")
        self._log(self.consultant, date(2027, 3, 11), 8.0)
        self._check()
        self.assertEqual(len(self._reminders(self.consultant)), 1, "one day left")
        self._log(self.consultant, date(2027, 3, 12), 4.0)
        self._log(self.consultant, date(2027, 3, 12), 4.0)
        self._check()
        self.assertFalse(self._reminders(self.consultant), "filled in: reminder gone")
        self.assertEqual(set(self._rows(self.consultant).mapped("state")), {"ok"})
        self.assertEqual(len(self._reminders(self.colleague)), 1)

    def test_open_the_timesheets_of_a_missing_day(self):
        self._check()
        row = self._rows(self.consultant).filtered(lambda r: r.state == "missing")[0]
        action = row.with_user(self.consultant_user).action_open_timesheets()
        self.assertEqual(action["res_model"], "account.analytic.line")
        self.assertIn(("date", "=", row.date), action["domain"])
        self.assertEqual(action["context"]["default_employee_id"], self.consultant.id)

    def test_timesheets_outside_projects_do_not_count(self):
        self.env["account.analytic.line"].create(
            {
                "name": "Not a timesheet",
                "account_id": self.project.analytic_account_id.id,
                "employee_id": self.colleague.id,
                "date": date(2027, 3, 12),
                "unit_amount": 8.0,
            }
        )
        self._check()
        row = self._rows(self.colleague).filtered(lambda r: r.date == date(2027, 3, 12))
        self.assertEqual((row.logged_hours, row.state), (0.0, "missing"))

    def test_escalation_to_manager_opened_then_closed(self):
        self._check()
        self.assertFalse(self._escalations(self.consultant), "2 days: below 3")
        escalation = self._escalations(self.colleague)
        self.assertEqual(len(escalation), 1)
        self.assertEqual(escalation.owner_id, self.project_manager)
        self.assertIn("5 working days", escalation.name)
        self._check()
        self.assertEqual(self._escalations(self.colleague), escalation, "not twice")
        for day in WINDOW[:3]:
            self._log(self.colleague, day, 8.0)
        self._check()
        self.assertFalse(self._escalations(self.colleague))
        self.assertEqual(escalation.state, "resolved")
        self.assertEqual(len(self._reminders(self.colleague)), 1, "2 days still open")

    def test_departed_employee_released(self):
        self._check()
        escalation = self._escalations(self.colleague)
        self.assertTrue(escalation and self._reminders(self.colleague))
        self.colleague.active = False
        self.Compliance._cron_timesheet_compliance(today=TODAY)
        self.assertFalse(self._reminders(self.colleague))
        self.assertEqual(escalation.state, "resolved")
        self.assertEqual(len(self._reminders(self.consultant)), 1, "others kept")

    def test_compliance_rate_per_department(self):
        self._log(self.consultant, date(2027, 3, 11), 10.0)  # 2 h over: not counted
        self._log(self.colleague, date(2027, 3, 12), 4.0)
        self._check()
        rates = self.Compliance._compliance_rate_by_department(WINDOW[0], WINDOW[-1])
        # Delivery: 8 + 7.75 + 8 of 32 h; Support: 4 of 40 h
        self.assertAlmostEqual(rates[self.delivery], 100 * 23.75 / 32)
        self.assertAlmostEqual(rates[self.support], 10.0)
        team = self.env["psa.timesheet.compliance.team"].search(
            [("department_id", "=", self.support.id)]
        )
        self.assertEqual(sum(team.mapped("expected_hours")), 40.0)
        self.assertEqual(sum(team.mapped("covered_hours")), 4.0)
        self.assertEqual(sum(team.mapped("missing_days")), 5)

    def test_access_own_rows_only(self):
        self._check()
        as_consultant = self.Compliance.with_user(self.consultant_user)
        self.assertEqual(
            as_consultant.search([]),
            self._rows(self.consultant).with_user(self.consultant_user),
        )
        other = self._rows(self.colleague)[0].with_user(self.consultant_user)
        with self.assertRaises(AccessError):
            other.read(["logged_hours"])
        with self.assertRaises(AccessError):
            self.env["psa.timesheet.compliance.team"].with_user(
                self.consultant_user
            ).search([])
        as_manager = self.Compliance.with_user(self.project_manager)
        self.assertEqual(
            set(as_manager.search([]).mapped("employee_id").ids),
            {self.consultant.id, self.colleague.id},
            "the manager sees the days of the employees they manage",
        )
        self.assertFalse(
            self.Compliance.with_user(self.colleague_user).search(
                [("employee_id", "=", self.consultant.id)]
            )
        )

    def test_other_company_sees_no_row(self):
        """Rows carry no company of their own: the multi-company rules read
        it through the employee, on the rows and on the team report."""
        self._check()
        other = self.env["res.company"].create({"name": "PSA Other Co"})
        outsider = self._create_user(
            "psa_other_resource_manager", "psa_staffing.group_staffing_resource_manager"
        )
        outsider.write({"company_ids": [(6, 0, other.ids)], "company_id": other.id})
        self.assertTrue(self.Compliance.with_user(self.resource_manager).search([]))
        self.assertFalse(self.Compliance.with_user(outsider).search([]))
        Team = self.env["psa.timesheet.compliance.team"]
        self.assertTrue(Team.with_user(self.resource_manager).search([]))
        self.assertFalse(Team.with_user(outsider).search([]))
        with self.assertRaises(AccessError):
            self._rows(self.consultant)[0].with_user(outsider).read(["state"])

    def test_check_marks_read_by_resource_managers_only(self):
        self.Compliance._cron_timesheet_compliance(today=TODAY)
        Mark = self.env["psa.timesheet.compliance.mark"]
        marks = Mark.with_user(self.resource_manager).search(
            [("employee_id", "=", self.consultant.id)]
        )
        self.assertEqual(marks.date, TODAY)
        with self.assertRaises(AccessError):
            Mark.with_user(self.consultant_user).search([])
        with self.assertRaises(AccessError):
            marks.write({"date": HOLIDAY})

    def test_consultant_cannot_change_settings(self):
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.consultant_user).create(
                {"psa_staffing_compliance_window_days": 10}
            )

    def test_settings_reject_bad_input(self):
        with self.assertRaisesRegex(ValidationError, "compliance window"):
            with Form(self.env["res.config.settings"]) as form:
                form.psa_staffing_compliance_window_days = -1
        with self.assertRaisesRegex(ValidationError, "Escalate after missing days"):
            self.env["res.config.settings"].create(
                {"psa_staffing_compliance_escalation_days": 9}
            )
        with self.assertRaisesRegex(ValidationError, "tolerance"):
            self.env["res.config.settings"].create(
                {"psa_staffing_compliance_tolerance_hours": -0.5}
            )
        settings = self.env["res.config.settings"].create(
            {"psa_staffing_compliance_window_days": 10}
        )
        settings.execute()
        self.assertEqual(
            self.env["ir.config_parameter"].get_param(
                "psa_staffing.compliance_window_days"
            ),
            "10",
        )

    def test_cron_record_runs_the_check(self):
        cron = self.env.ref("psa_staffing.ir_cron_timesheet_compliance")
        self.assertEqual(cron.code.strip(), "model._cron_timesheet_compliance()")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.Compliance._cron_timesheet_compliance(today=TODAY)
        self.assertEqual(len(self._rows(self.colleague)), 5)
