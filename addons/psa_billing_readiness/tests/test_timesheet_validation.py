from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import WEEK_1, WEEK_2, PsaBillingCommon


@tagged("post_install", "-at_install")
class TestTimesheetValidation(PsaBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.week_1 = cls._log(8, WEEK_1) | cls._log(6, WEEK_1 + timedelta(days=1))
        cls.week_2 = cls._log(7, WEEK_2)
        cls.others = cls._log(5, WEEK_1, employee=cls.other_employee)

    def _to_validate(self, user):
        return (
            self.env["account.analytic.line"]
            .with_user(user)
            .search([("psa_can_validate", "=", True)])
        )

    def test_manager_validates_a_week_of_their_report(self):
        self.assertEqual(
            self._to_validate(self.manager),
            self.week_1 | self.week_2,
            "the review screen shows the reports' time, not the others'",
        )
        groups = (
            self.env["account.analytic.line"]
            .with_user(self.manager)
            .read_group(
                [("psa_can_validate", "=", True)],
                ["unit_amount:sum"],
                ["employee_id", "date:week"],
                lazy=False,
            )
        )
        self.assertEqual(
            sorted(g["unit_amount"] for g in groups),
            [7.0, 14.0],
            "one group per employee and week",
        )
        self.week_1.with_user(self.manager).action_psa_validate()
        self.assertTrue(all(self.week_1.mapped("psa_validated")))
        self.assertEqual(self.week_1.psa_validated_by_id, self.manager)
        self.assertFalse(self.week_2.psa_validated)
        self.assertEqual(self._to_validate(self.manager), self.week_2)
        logs = self._log_lines(self.week_1, "timesheet_validated")
        self.assertEqual(len(logs), 2)
        self.assertEqual(logs.user_id, self.manager)

    def test_project_manager_validates_when_set(self):
        self._set_param("timesheet_validator", "project_manager")
        self.assertEqual(
            self._to_validate(self.project_manager),
            self.week_1 | self.week_2 | self.others,
        )
        self.assertFalse(self._to_validate(self.manager))
        with self.assertRaisesRegex(AccessError, "Only the project manager"):
            self.week_1.with_user(self.manager).action_psa_validate()
        self.others.with_user(self.project_manager).action_psa_validate()
        self.assertTrue(self.others.psa_validated)

    def test_consultant_cannot_validate_own_time(self):
        with self.assertRaisesRegex(AccessError, "their own time"):
            self.week_1.with_user(self.consultant).action_psa_validate()
        self.assertFalse(any(self.week_1.mapped("psa_validated")))
        self.assertFalse(self._log_lines(self.week_1, "timesheet_validated"))
        # nor by writing the flag itself
        with self.assertRaises(AccessError):
            self.week_1.with_user(self.consultant).write({"psa_validated": True})

    def test_manager_cannot_validate_time_of_others(self):
        with self.assertRaisesRegex(AccessError, "Olga Other"):
            (self.week_1 | self.others).with_user(self.manager).action_psa_validate()
        self.assertFalse(
            any((self.week_1 | self.others).mapped("psa_validated")),
            "nothing half-validated",
        )

    def test_validated_line_is_locked_for_its_author(self):
        self.week_1.with_user(self.manager).action_psa_validate()
        line = self.week_1[0].with_user(self.consultant)
        with self.assertRaisesRegex(UserError, "validated and locked"):
            line.write({"unit_amount": 12})
        with self.assertRaisesRegex(UserError, "validated and locked"):
            line.unlink()
        self.assertEqual(line.unit_amount, 8)
        self.assertTrue(line.readonly_timesheet, "read-only in timesheet views")
        # time not validated stays the author's
        self.week_2.with_user(self.consultant).write({"unit_amount": 4})
        self.assertEqual(self.week_2.unit_amount, 4)

    def test_unlock_with_reason_is_logged(self):
        self.week_1.with_user(self.manager).action_psa_validate()
        with self.assertRaisesRegex(AccessError, "timesheet manager"):
            self.week_1.with_user(self.manager).action_psa_unlock(reason="typo")
        with self.assertRaisesRegex(UserError, "Reason"):
            self.week_1.with_user(self.timesheet_admin).action_psa_unlock(reason=" ")
        self.assertTrue(all(self.week_1.mapped("psa_validated")))
        # the button opens the dialog asking for the reason
        action = self.week_1.with_user(self.timesheet_admin).action_psa_unlock()
        wizard_form = Form(
            self.env[action["res_model"]]
            .with_user(self.timesheet_admin)
            .with_context(**action["context"])
        )
        wizard_form.reason = "Client asked to split the day"
        wizard_form.save().action_confirm()
        self.assertFalse(any(self.week_1.mapped("psa_validated")))
        logs = self._log_lines(self.week_1, "timesheet_unlocked")
        self.assertEqual(len(logs), 2)
        self.assertEqual(set(logs.mapped("comment")), {"Client asked to split the day"})
        self.assertEqual(logs.user_id, self.timesheet_admin)
        self.week_1[0].with_user(self.consultant).write({"unit_amount": 4})
        self.assertEqual(self.week_1[0].unit_amount, 4)

    def test_validation_queries_do_not_grow_with_lines(self):
        warm_up = self._log(1, WEEK_2)
        small = self._log(1, WEEK_2) | self._log(1, WEEK_2)
        large = self.env["account.analytic.line"]
        for day in range(20):
            large |= self._log(1, WEEK_1 + timedelta(days=day % 5))
        counts = []
        for lines in (warm_up, small, large):
            lines = lines.with_user(self.manager)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            lines.action_psa_validate()
            lines.env.flush_all()
            counts.append(self.cr.sql_log_count - before)
        self.assertEqual(counts[1], counts[2], "validating 2 or 20 lines")
        # read lines, employees, projects and tasks; one UPDATE, one log INSERT,
        # the order lines' delivered quantities recomputed
        self.assertLessEqual(counts[2], 21, counts)
        self.assertTrue(all(large.mapped("psa_validated")))
