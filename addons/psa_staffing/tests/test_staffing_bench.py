from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError

from .common import PsaStaffingCommon


class TestStaffingBench(PsaStaffingCommon):
    def test_bench_lists_free_capacity_of_next_four_weeks(self):
        # "today" of the user who opens the bench, in their time zone
        today = fields.Date.context_today(
            self.env["psa.staffing.bench"].with_user(self.project_manager)
        )
        period = (today, today + timedelta(days=27))
        capacity = self.env["psa.staffing.capacity"]._compute(
            [(self.colleague, *period)], with_allocated=False
        )[0][0]
        self.assertGreater(capacity, 0.0)
        self._allocate(self.colleague, hours=capacity, period=period)
        self._allocate(hours=capacity / 4, period=period)
        action = (
            self.env["psa.staffing.bench"]
            .with_user(self.project_manager)
            ._action_open_bench()
        )
        rows = (
            self.env["psa.staffing.bench"]
            .with_user(self.project_manager)
            .search(action["domain"])
        )
        employees = rows.employee_id
        self.assertIn(self.consultant, employees)
        self.assertNotIn(self.colleague, employees, "fully booked: not on the bench")
        row = rows.filtered(lambda r: r.employee_id == self.consultant)
        self.assertEqual((row.date_from, row.date_to), period)
        self.assertAlmostEqual(row.free_hours, capacity * 3 / 4, places=2)
        self.assertAlmostEqual(row.utilization, 25.0, places=2)

    def test_bench_is_for_managers(self):
        with self.assertRaises(AccessError):
            self.env["psa.staffing.bench"].with_user(
                self.consultant_user
            )._action_open_bench()

    def test_settings_in_psa_operations_block(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn('name="psa_staffing_approval_load_percent"', arch)
        self.assertIn('name="psa_staffing_capacity_check_probability"', arch)
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.psa_staffing_approval_load_percent, 85)
        self.assertEqual(settings.psa_staffing_capacity_check_probability, 70)
