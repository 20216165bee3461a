from .watch_common import PsaStaffingWatchCommon

KIND = "allocation_actuals"
CHECK = "psa.staffing.watch.actuals"
TODAY = "2027-04-05"


class TestWatchActuals(PsaStaffingWatchCommon):
    """Ended allocations whose timesheets are far from their hours open an
    exception for their resource manager (threshold in Settings)."""

    def setUp(self):
        super().setUp()
        self.march = self._allocate(hours=40)
        self._timesheet("2027-03-03", 6)
        self._timesheet("2027-03-04", 4)
        self._timesheet("2027-04-01", 8)  # after the allocation: not counted
        self._timesheet("2027-03-04", 8, project=self.other_project)

    def test_far_below_opens(self):
        self._run(CHECK, TODAY)
        exception = self._exceptions(self.march, KIND)
        self.assertEqual(len(exception), 1)
        self.assertEqual(exception.owner_id, self.resource_manager)
        self.assertIn("10.0 h timesheeted for 40.0 h booked (-75%)", exception.name)

    def test_far_above_opens(self):
        self._timesheet("2027-03-05", 45)
        self._run(CHECK, TODAY)
        self.assertIn("(+38%)", self._exceptions(self.march, KIND).name)

    def test_running_allocation_is_not_judged(self):
        self._run(CHECK, "2027-03-20")
        self.assertFalse(self._exceptions(self.march, KIND))

    def test_late_timesheets_resolve(self):
        self._run(CHECK, TODAY)
        self._timesheet("2027-03-05", 22)  # 32 h of 40: within 30%
        self._run(CHECK, TODAY)
        self.assertFalse(self._exceptions(self.march, KIND))
        self.assertTrue(self._exceptions(self.march, KIND, "resolved"))

    def test_second_run_changes_nothing(self):
        self._run(CHECK, TODAY)
        with self._assert_no_writes():
            self._run(CHECK, TODAY)
        self.assertEqual(len(self._exceptions(self.march, KIND)), 1)

    def test_threshold_from_settings(self):
        self.env["ir.config_parameter"].set_param(
            "psa_staffing.watch_actuals_variance_percent", 80
        )
        self._run(CHECK, TODAY)
        self.assertFalse(self._exceptions(self.march, KIND))
