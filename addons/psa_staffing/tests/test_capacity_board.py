from datetime import date

from odoo.exceptions import AccessError, UserError

from .common import PsaStaffingCommon

# Four ISO weeks from Monday 1 March 2027 (week 9).
WEEK_1 = (date(2027, 3, 1), date(2027, 3, 5))
WEEK_2 = (date(2027, 3, 8), date(2027, 3, 12))
WEEK_3 = (date(2027, 3, 15), date(2027, 3, 19))


class TestCapacityBoard(PsaStaffingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Board = cls.env["psa.staffing.board"]
        cls.board_job = cls.env["hr.job"].create({"name": "Board Analyst"})

    def _board(self, user=None, date_from=date(2027, 3, 3), weeks=4, **filters):
        board = self.Board.with_user(user or self.resource_manager)
        return board._board_data(date_from, weeks, filters)

    def _row(self, data, employee):
        rows = [row for row in data["rows"] if row["id"] == employee.id]
        self.assertEqual(len(rows), 1, f"{employee.name} has one row")
        return rows[0]

    def _validated_leave(self, employee, date_from, date_to):
        leave_type = self.env["hr.leave.type"].create(
            {
                "name": "PSA Board Time Off",
                "requires_allocation": "no",
                "leave_validation_type": "hr",
            }
        )
        leave = self.env["hr.leave"].create(
            {
                "employee_id": employee.id,
                "holiday_status_id": leave_type.id,
                "request_date_from": date_from,
                "request_date_to": date_to,
            }
        )
        leave.action_validate()
        return leave

    def test_cells_keep_confirmed_and_provisional_apart(self):
        self._allocate(hours=30.0, period=WEEK_1, booking_state="confirmed")
        self._allocate(hours=8.0, period=WEEK_1, project=self.other_project)
        self._allocate(hours=50.0, period=WEEK_2)
        self._validated_leave(self.consultant, date(2027, 3, 16), date(2027, 3, 17))
        # 92 h over March on a 184 h month: 20 h in each full week
        self._allocate(self.colleague, hours=92.0, booking_state="confirmed")

        data = self._board()

        self.assertEqual(data["date_from"], "2027-03-01", "weeks start on Monday")
        self.assertEqual(
            [(w["start"], w["end"], w["number"]) for w in data["weeks"]],
            [
                ("2027-03-01", "2027-03-07", 9),
                ("2027-03-08", "2027-03-14", 10),
                ("2027-03-15", "2027-03-21", 11),
                ("2027-03-22", "2027-03-28", 12),
            ],
        )
        self.assertEqual(data["threshold"], 85.0)
        cells = self._row(data, self.consultant)["cells"]
        figures = [
            (c["capacity"], c["confirmed"], c["provisional"], c["level"]) for c in cells
        ]
        self.assertEqual(
            figures,
            [
                (40.0, 30.0, 8.0, "high"),  # 95%: above the 85% threshold
                (40.0, 0.0, 50.0, "over"),  # provisional hours count in the load
                (24.0, 0.0, 0.0, "free"),  # two days of validated leave
                (40.0, 0.0, 0.0, "free"),
            ],
        )
        self.assertEqual(cells[0]["load"], 95.0)
        self.assertEqual(cells[1]["load"], 125.0)
        colleague = self._row(data, self.colleague)
        self.assertEqual(colleague["job"], "Junior Consultant")
        self.assertEqual(
            [
                (c["confirmed"], c["provisional"], c["level"])
                for c in colleague["cells"]
            ],
            [(20.0, 0.0, "ok")] * 4,
        )

    def test_filters_by_job_department_and_skill(self):
        department = self.env["hr.department"].create({"name": "Board Delivery"})
        self.colleague.department_id = department
        self._give_skill(self.consultant, self.python, "Expert")

        def names(**filters):
            return {row["name"] for row in self._board(**filters)["rows"]}

        self.assertEqual(names(job_id=self.job_senior.id), {"Ada Consultant"})
        self.assertEqual(names(department_id=department.id), {"Bob Colleague"})
        self.assertEqual(names(skill_id=self.python.id), {"Ada Consultant"})
        self.assertEqual(
            names(job_id=self.job_junior.id, skill_id=self.python.id), set()
        )
        with self.assertRaises(UserError):
            self._board(colour="red")
        with self.assertRaises(UserError):
            self._board(job_id="Senior")

    def test_consultant_sees_only_their_own_row(self):
        self._allocate(self.colleague, hours=10.0, period=WEEK_1)
        data = self._board(self.consultant_user)
        self.assertEqual([row["id"] for row in data["rows"]], self.consultant.ids)
        filtered = self._board(self.consultant_user, job_id=self.job_junior.id)
        self.assertEqual(filtered["rows"], [], "a filter never widens the rows")
        managed = self._board(self.project_manager)
        self.assertIn(self.colleague.id, [row["id"] for row in managed["rows"]])
        portal = self.env["res.users"].create(
            {
                "name": "Board Portal",
                "login": "psa_board_portal",
                "groups_id": [(6, 0, self.env.ref("base.group_portal").ids)],
            }
        )
        with self.assertRaises(AccessError):
            self.Board.with_user(portal).get_board_data("2027-03-01", 4)

    def test_bad_week_counts_are_refused(self):
        for weeks in (0, -1, 53, "12", 2.5, True):
            with self.subTest(weeks=weeks), self.assertRaises(UserError):
                self._board(weeks=weeks)
        self.assertEqual(len(self._board(weeks=52)["weeks"]), 52)

    def test_rpc_entry_defaults_to_this_week(self):
        data = self.Board.with_user(self.resource_manager).get_board_data()
        self.assertEqual(len(data["weeks"]), 12)
        self.assertEqual(sum(week["current"] for week in data["weeks"]), 1)
        filters = self.Board.with_user(self.consultant_user).get_board_filters()
        self.assertIn([self.job_senior.id, "Senior Consultant"], filters["job_id"])
        self.assertIn(self.python.id, [skill[0] for skill in filters["skill_id"]])

    def _staff(self, count, calendars):
        """``count`` employees of the board's job, each with a confirmed and a
        provisional allocation, spread over ``calendars``."""
        employees = self.env["hr.employee"].create(
            [
                {
                    "name": f"Board Perf {n:03d}",
                    "job_id": self.board_job.id,
                    "resource_calendar_id": calendars[n % len(calendars)].id,
                    "tz": "UTC",
                }
                for n in range(count)
            ]
        )
        self.env["psa.allocation"].create(
            [
                {
                    "employee_id": employee.id,
                    "project_id": self.project.id,
                    "date_start": period[0],
                    "date_end": period[1],
                    "hours": 10.0,
                    "booking_state": state,
                }
                for employee in employees
                for period, state in ((WEEK_1, "confirmed"), (WEEK_2, "provisional"))
            ]
        )
        return employees

    def _count_board_queries(self):
        board = self.Board.with_user(self.resource_manager)
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        data = board._board_data(date(2027, 3, 1), 12, {"job_id": self.board_job.id})
        return self.cr.sql_log_count - before, data

    def test_query_count_does_not_grow_with_consultants(self):
        calendars = [self.calendar, self._create_calendar("PSA 40h bis")]
        self._staff(3, calendars)
        self._count_board_queries()  # warm the caches of groups and rules
        few, data = self._count_board_queries()
        self.assertEqual(len(data["rows"]), 3)
        self._staff(27, calendars)
        many, data = self._count_board_queries()
        self.assertEqual(len(data["rows"]), 30)
        self.assertEqual(
            {(c["confirmed"], c["provisional"]) for c in data["rows"][-1]["cells"][:2]},
            {(10.0, 0.0), (0.0, 10.0)},
        )
        self.assertEqual(few, many, "the board costs the same queries for 3 or 30")
        self.env.invalidate_all()
        with self.assertQueryCount(few):
            self.Board.with_user(self.resource_manager)._board_data(
                date(2027, 3, 1), 12, {"job_id": self.board_job.id}
            )
