from datetime import date

from odoo.tests import Form

from .common import MARCH_2027, MARCH_2027_HOURS, PsaStaffingCommon


class TestAllocationForm(PsaStaffingCommon):
    def test_percentage_onchange_computes_hours_and_load(self):
        self._allocate(hours=MARCH_2027_HOURS / 4, project=self.other_project)
        form = Form(self.env["psa.allocation"].with_user(self.resource_manager))
        form.employee_id = self.consultant
        form.project_id = self.project
        form.date_start, form.date_end = MARCH_2027
        form.allocation_type = "percent"
        form.percent = 50.0
        self.assertEqual(form.hours, MARCH_2027_HOURS / 2)
        self.assertEqual(form.capacity_hours, MARCH_2027_HOURS)
        self.assertEqual(form.capacity_share, 50.0)
        self.assertEqual(form.load_percent, 75.0, "the other booking counts")
        allocation = form.save()
        self.assertEqual(allocation.hours, MARCH_2027_HOURS / 2)

    def test_editing_hours_does_not_count_the_old_value(self):
        allocation = self._allocate(hours=MARCH_2027_HOURS / 2)
        with Form(allocation.with_user(self.resource_manager)) as form:
            form.hours = MARCH_2027_HOURS / 4
            self.assertEqual(form.load_percent, 25.0)
            form.date_end = date(2027, 3, 5)
            self.assertEqual(form.capacity_hours, 40.0)
        self.assertEqual(allocation.load_percent, 100.0 * 46 / 40)
