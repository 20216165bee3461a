from datetime import date

from freezegun import freeze_time

from .watch_common import PsaStaffingWatchCommon


class TestWatchPerformance(PsaStaffingWatchCommon):
    """Each check costs the same queries for 5 records as for 30 in a batch,
    and the whole nightly action run twice changes nothing the second time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = cls.env["hr.employee"].union(
            *(
                cls._create_employee(f"Staff {index}", parent_id=cls.manager.id)
                for index in range(30)
            )
        )

    def _lines(self, count):
        for employee in self.staff[:count]:
            self._timesheet("2027-03-06", 13, employee=employee)

    def _allocations(self, count):
        for employee in self.staff[:count]:
            self._allocate(employee, hours=40)

    def _allocations_with_timesheets(self, count):
        for employee in self.staff[:count]:
            self._allocate(employee, hours=40)
            self._timesheet("2027-03-03", 5, employee=employee)

    def test_anomaly_batch(self):
        self._assert_flat("psa.staffing.watch.anomaly", "2027-03-10", self._lines)

    def test_ending_batch(self):
        self._assert_flat("psa.staffing.watch.ending", "2027-03-20", self._allocations)

    def test_actuals_batch(self):
        self._assert_flat(
            "psa.staffing.watch.actuals",
            "2027-04-05",
            self._allocations_with_timesheets,
        )

    def test_nightly_action_twice(self):
        self._allocations_with_timesheets(5)
        self._timesheet("2027-03-27", 13)
        cron = self.env.ref("psa_staffing.ir_cron_staffing_watch")
        self.assertEqual(cron.code.strip(), "model._cron_watch()")
        with freeze_time(date(2027, 3, 29)):
            self.env["psa.staffing.watch"]._cron_watch(batch_size=2)
        opened = self.env["psa.exception"].search(
            [("kind", "in", ("timesheet_anomaly", "allocation_ending"))]
        )
        self.assertEqual(
            set(opened.mapped("kind")), {"timesheet_anomaly", "allocation_ending"}
        )
        with self._assert_no_writes(), freeze_time(date(2027, 3, 29)):
            self.env["psa.staffing.watch"]._cron_watch(batch_size=2)
        self.assertEqual(
            self.env["psa.exception"].search(
                [("kind", "in", ("timesheet_anomaly", "allocation_ending"))]
            ),
            opened,
        )
