from datetime import date, datetime

from .common import PsaStaffingCommon

# Monday 15 March 2027; with Wednesday 10 March a public holiday, the window
# of five working days before it is Fri 5, Mon 8, Tue 9, Thu 11 and Fri 12.
TODAY = date(2027, 3, 15)
HOLIDAY = date(2027, 3, 10)
WINDOW = [
    date(2027, 3, 5),
    date(2027, 3, 8),
    date(2027, 3, 9),
    date(2027, 3, 11),
    date(2027, 3, 12),
]


class PsaComplianceCommon(PsaStaffingCommon):
    """The consultant and their colleague in two teams, managed by the project
    manager's employee; a public holiday; the consultant on leave on the 9th
    (validated through hr_holidays) and with timesheets on the 5th and 8th."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        params = cls.env["ir.config_parameter"]
        params.set_param("psa_staffing.compliance_window_days", 5)
        params.set_param("psa_staffing.compliance_escalation_days", 3)
        params.set_param("psa_staffing.compliance_tolerance_hours", 0.5)
        cls.Compliance = cls.env["psa.timesheet.compliance"]
        cls.delivery, cls.support = cls.env["hr.department"].create(
            [{"name": "Delivery"}, {"name": "Support"}]
        )
        cls.manager = cls._create_employee("Max Manager", cls.project_manager)
        cls.consultant.write(
            {"department_id": cls.delivery.id, "parent_id": cls.manager.id}
        )
        cls.colleague.write(
            {"department_id": cls.support.id, "parent_id": cls.manager.id}
        )
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": cls.calendar.id,
                "date_from": datetime(2027, 3, 10, 0, 0),
                "date_to": datetime(2027, 3, 10, 23, 59, 59),
            }
        )
        cls._take_leave(cls.consultant, date(2027, 3, 9))
        cls._log(cls.consultant, date(2027, 3, 5), 8.0)
        cls._log(cls.consultant, date(2027, 3, 8), 7.75)  # within tolerance

    @classmethod
    def _take_leave(cls, employee, day):
        """A validated day of time off, as hr_holidays records it."""
        leave_type = cls.env["hr.leave.type"].create(
            {
                "name": "PSA Paid Time Off",
                "requires_allocation": "no",
                "leave_validation_type": "hr",
                "time_type": "leave",
            }
        )
        leave = (
            cls.env["hr.leave"]
            .with_context(leave_skip_state_check=True)
            .create(
                {
                    "employee_id": employee.id,
                    "holiday_status_id": leave_type.id,
                    "request_date_from": day,
                    "request_date_to": day,
                }
            )
        )
        leave.action_validate()
        return leave

    @classmethod
    def _log(cls, employee, day, hours, project=None):
        return (
            cls.env["account.analytic.line"]
            .sudo()
            .create(
                {
                    "name": "Work",
                    "project_id": (project or cls.project).id,
                    "employee_id": employee.id,
                    "date": day,
                    "unit_amount": hours,
                }
            )
        )

    def _check(self, employees=None):
        employees = employees or (self.consultant | self.colleague)
        return self.Compliance._check_employees(employees.ids, TODAY)

    def _rows(self, employee):
        return self.Compliance.search([("employee_id", "=", employee.id)])

    def _reminders(self, employees):
        return self.env["mail.activity"].search(
            [
                (
                    "activity_type_id",
                    "=",
                    self.env.ref(
                        "psa_staffing.mail_activity_type_timesheet_missing"
                    ).id,
                ),
                ("res_model", "=", "hr.employee"),
                ("res_id", "in", employees.ids),
            ]
        )

    def _escalations(self, employees, state="open"):
        return self.env["psa.exception"].search(
            [
                ("kind", "=", "timesheet_missing"),
                ("res_model", "=", "hr.employee"),
                ("res_id", "in", employees.ids),
                ("state", "=", state),
            ]
        )
