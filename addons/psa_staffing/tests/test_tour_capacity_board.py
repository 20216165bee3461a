from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import PsaStaffingFactory


@tagged("post_install", "-at_install")
class TestCapacityBoardTour(PsaStaffingFactory, HttpCase):
    """The capacity board in the web client: next period, then a cell's
    allocations."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls._create_calendar()
        cls.manager = cls._create_user(
            "tour_board_rm", "psa_staffing.group_staffing_resource_manager"
        )
        cls.manager.password = cls.manager.login
        cls.ada = cls._create_employee("Board Tour Ada")
        project = cls.env["project.project"].create({"name": "Board Tour Project"})
        # the board starts on the browser's today: the machine's (UTC) date,
        # not the user's time zone, which differs late in the evening
        today = fields.Date.today()
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=12)
        cls.week = (monday, monday + timedelta(days=4))
        cls.env["psa.allocation"].create(
            [
                {
                    "employee_id": cls.ada.id,
                    "project_id": project.id,
                    "date_start": cls.week[0],
                    "date_end": cls.week[1],
                    "hours": hours,
                    "booking_state": state,
                }
                for hours, state in ((16.0, "confirmed"), (8.0, "provisional"))
            ]
        )

    def test_board_next_period_and_cell(self):
        self.start_tour(
            "/web", "psa_staffing_capacity_board_tour", login="tour_board_rm"
        )
