from odoo.exceptions import ValidationError
from odoo.tests import Form

from .watch_common import PsaStaffingWatchCommon


class TestWatchSettings(PsaStaffingWatchCommon):
    """The watch's thresholds in Settings, with bad values refused."""

    def _settings(self, **values):
        form = Form(self.env["res.config.settings"])
        for name, value in values.items():
            setattr(form, name, value)
        return form.save()

    def test_values_reach_the_parameters(self):
        self._settings(
            psa_staffing_watch_max_daily_hours=10.5,
            psa_staffing_watch_ending_days=21,
            psa_staffing_watch_actuals_variance_percent=25,
        ).execute()
        param = self.env["ir.config_parameter"].get_param
        self.assertEqual(param("psa_staffing.watch_max_daily_hours"), "10.5")
        self.assertEqual(param("psa_staffing.watch_ending_days"), "21")
        self.assertEqual(param("psa_staffing.watch_actuals_variance_percent"), "25")

    def test_bad_values_refused(self):
        cases = {
            "psa_staffing_watch_max_daily_hours": (-1, "Anomaly above hours a day"),
            "psa_staffing_watch_ending_days": (-3, "Allocations ending within days"),
            "psa_staffing_watch_actuals_variance_percent": (
                -30,
                "Timesheets off the booking by %",
            ),
        }
        for name, (value, label) in cases.items():
            with (
                self.subTest(field=name),
                self.assertRaisesRegex(ValidationError, label),
            ):
                self._settings(**{name: value})
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("psa_staffing.watch_ending_days"),
            "14",
        )
