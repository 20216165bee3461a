from datetime import date

from odoo.tests import HttpCase, tagged

from .common import PsaStaffingKitsCommon


@tagged("post_install", "-at_install")
class TestBridgeTour(PsaStaffingKitsCommon, HttpCase):
    """The bridge through the screens: the resource manager confirms a
    booking, which proposes the consultant's onboarding kit, and moves it a
    week later; the project manager finds the draft needed on the new start,
    linked to the booking, and submits it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consultant.name = "Ada Tour Consultant"
        for user in (cls.resource_manager, cls.project_manager):
            user.password = user.login

    def test_confirm_move_and_submit(self):
        allocation = self._allocate(hours=self._hours_for_load(50))
        self.start_tour(
            f"/web#model=psa.allocation&id={allocation.id}&view_type=form",
            "psa_staffing_kits_confirm_tour",
            login=self.resource_manager.login,
        )
        self.assertEqual(allocation.booking_state, "confirmed")
        self.assertEqual(allocation.date_start, date(2027, 3, 8))
        request = self._proposals()
        self.assertEqual(
            (request.state, request.allocation_id, request.needed_date),
            ("draft", allocation, date(2027, 3, 8)),
        )

        self.start_tour(
            f"/web#model=psa.kit.request&id={request.id}&view_type=form",
            "psa_staffing_kits_submit_tour",
            login=self.project_manager.login,
        )
        self.assertNotIn(request.state, ("draft", "to_approve"))
        self.assertEqual(request.approval_requested_by_id, self.project_manager)
