from unittest.mock import patch

from .watch_common import PsaStaffingWatchCommon

WATCH_LOGGER = "odoo.addons.psa_staffing.models.psa_staffing_watch"


class TestWatchFailure(PsaStaffingWatchCommon):
    """A check of the nightly watch that fails does not stop the others."""

    def test_failed_check_undone_and_next_checks_run(self):
        Watch = self.env["psa.staffing.watch"]
        anomaly = type(self.env["psa.staffing.watch.anomaly"])
        ending = type(self.env["psa.staffing.watch.ending"])
        ran = []

        def broken(model, batch_size):
            model.env["ir.config_parameter"].set_param("psa_staffing.half_done", 1)
            raise RuntimeError("anomaly check broke")

        def works(model, batch_size):
            ran.append(model._name)

        with (
            patch.object(anomaly, "_watch", broken),
            patch.object(ending, "_watch", works),
            self.assertLogs(WATCH_LOGGER, "ERROR") as logs,
            self.assertRaisesRegex(RuntimeError, "anomaly check broke"),
        ):
            Watch._cron_watch(batch_size=2)
        self.assertEqual(ran, ["psa.staffing.watch.ending"])
        self.assertIn("psa.staffing.watch.anomaly failed", logs.output[0])
        self.assertFalse(
            self.env["ir.config_parameter"].get_param("psa_staffing.half_done"),
            "the failed check's unfinished work is undone",
        )
