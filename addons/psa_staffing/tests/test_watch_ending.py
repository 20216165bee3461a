from datetime import date

from .watch_common import PsaStaffingWatchCommon

KIND = "allocation_ending"
CHECK = "psa.staffing.watch.ending"
TODAY = "2027-03-20"


class TestWatchEnding(PsaStaffingWatchCommon):
    """Allocations ending within the setting's days without a follow-on open
    an exception for their resource manager, resolved by a follow-on or the
    end of the allocation."""

    def setUp(self):
        super().setUp()
        self.march = self._allocate()

    def test_ending_without_follow_on(self):
        later = self._allocate(
            self.colleague, period=(date(2027, 5, 1), date(2027, 5, 31))
        )
        self._run(CHECK, TODAY)
        exception = self._exceptions(self.march, KIND)
        self.assertEqual(len(exception), 1)
        self.assertEqual(exception.owner_id, self.resource_manager)
        self.assertIn("2027-03-31", exception.name)
        self.assertFalse(self._exceptions(later, KIND), "ends beyond 14 days")

    def test_horizon_from_settings(self):
        self.env["ir.config_parameter"].set_param("psa_staffing.watch_ending_days", 5)
        self._run(CHECK, TODAY)
        self.assertFalse(self._exceptions(self.march, KIND))

    def test_second_run_changes_nothing(self):
        self._run(CHECK, TODAY)
        with self._assert_no_writes():
            self._run(CHECK, TODAY)
        self.assertEqual(len(self._exceptions(self.march, KIND)), 1)

    def test_follow_on_resolves(self):
        self._run(CHECK, TODAY)
        follow_on = self._allocate(period=(date(2027, 4, 5), date(2027, 4, 30)))
        self._run(CHECK, TODAY)
        self.assertFalse(self._exceptions(self.march, KIND))
        self.assertEqual(len(self._exceptions(self.march, KIND, "resolved")), 1)
        self.assertFalse(self._exceptions(follow_on, KIND), "ends in 41 days")

    def test_follow_on_elsewhere_does_not_count(self):
        self._allocate(
            period=(date(2027, 4, 1), date(2027, 4, 30)), project=self.other_project
        )
        self._allocate(self.colleague, period=(date(2027, 4, 1), date(2027, 4, 30)))
        self._allocate(period=(date(2027, 4, 20), date(2027, 4, 30)))  # too late
        self._run(CHECK, TODAY)
        self.assertEqual(len(self._exceptions(self.march, KIND)), 1)

    def test_deleted_allocation_resolves(self):
        self._leave(date(2027, 3, 8), date(2027, 3, 8))
        self._run(CHECK, TODAY)
        exceptions = self.env["psa.exception"].search(
            [("res_model", "=", "psa.allocation"), ("res_id", "=", self.march.id)]
        )
        self.assertEqual(
            sorted(exceptions.mapped("kind")),
            ["allocation_ending", "allocation_leave_conflict"],
        )
        self.march.with_user(self.resource_manager).unlink()
        self.assertEqual(set(exceptions.mapped("state")), {"resolved"})

    def test_ended_allocation_resolves(self):
        self._run(CHECK, TODAY)
        self._run(CHECK, "2027-04-02")
        self.assertFalse(self._exceptions(self.march, KIND))
