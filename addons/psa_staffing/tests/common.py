from datetime import date

from odoo.tests import TransactionCase

from odoo.addons.psa_approvals.tests.common import PsaApprovalsFactory

# March 2027: starts on a Monday, 23 working days of 8 hours.
MARCH_2027 = (date(2027, 3, 1), date(2027, 3, 31))
MARCH_2027_HOURS = 184.0


class PsaStaffingFactory(PsaApprovalsFactory):
    """Calendars, employees, skills and projects for staffing tests."""

    approval_model = "psa.allocation"

    @classmethod
    def _create_calendar(cls, name="PSA 40h", company=None):
        """Monday to Friday, 8-12 and 13-17, in UTC: 8 hours a day."""
        attendances = [
            (
                0,
                0,
                {
                    "name": f"{day} {start}",
                    "dayofweek": str(day),
                    "hour_from": start,
                    "hour_to": start + 4,
                    "day_period": period,
                },
            )
            for day in range(5)
            for start, period in ((8, "morning"), (13, "afternoon"))
        ]
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": "UTC",
                "company_id": (company or cls.env.company).id,
                "attendance_ids": [(5, 0, 0), *attendances],
            }
        )

    @classmethod
    def _create_employee(cls, name, user=None, company=None, **vals):
        company = company or cls.env.company
        return cls.env["hr.employee"].create(
            {
                "name": name,
                "user_id": user.id if user else False,
                "company_id": company.id,
                "resource_calendar_id": vals.pop("calendar", cls.calendar).id,
                "tz": vals.pop("tz", "UTC"),
                **vals,
            }
        )

    @classmethod
    def _create_skill_type(cls):
        levels = [
            (0, 0, {"name": name, "level_progress": progress})
            for name, progress in (
                ("Beginner", 25),
                ("Intermediate", 50),
                ("Advanced", 75),
                ("Expert", 100),
            )
        ]
        skill_type = cls.env["hr.skill.type"].create(
            {
                "name": "PSA Tech",
                "skill_level_ids": levels,
                "skill_ids": [(0, 0, {"name": "Python"}), (0, 0, {"name": "Odoo"})],
            }
        )
        cls.skill_type = skill_type
        skills = {skill.name: skill for skill in skill_type.skill_ids}
        cls.python, cls.odoo = skills["Python"], skills["Odoo"]
        cls.levels = {lvl.name: lvl for lvl in skill_type.skill_level_ids}

    @classmethod
    def _give_skill(cls, employee, skill, level):
        cls.env["hr.employee.skill"].create(
            {
                "employee_id": employee.id,
                "skill_type_id": skill.skill_type_id.id,
                "skill_id": skill.id,
                "skill_level_id": cls.levels[level].id,
            }
        )

    @classmethod
    def _skill_vals(cls, skill, level):
        return {
            "skill_type_id": skill.skill_type_id.id,
            "skill_id": skill.id,
            "skill_level_id": cls.levels[level].id,
        }


class PsaStaffingCommon(PsaStaffingFactory, TransactionCase):
    """Users of each staffing group, employees on a 40-hour calendar, skills,
    a project managed by the project manager; no approval rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls._isolate_from_demo()
        # demo bookings would count in the loads of the tests' periods
        cls.env["psa.allocation"].search([]).unlink()
        cls.env["ir.config_parameter"].set_param(
            "psa_staffing.approval_load_percent", 85
        )
        cls.env["ir.config_parameter"].set_param(
            "psa_staffing.capacity_check_probability", 70
        )
        cls.calendar = cls._create_calendar()
        cls.resource_manager = cls._create_user(
            "psa_resource_manager", "psa_staffing.group_staffing_resource_manager"
        )
        cls.project_manager = cls._create_user(
            "psa_project_manager",
            "psa_staffing.group_staffing_project_manager",
            "project.group_project_user",
        )
        cls.consultant_user = cls._create_user("psa_consultant")
        cls.approver = cls._create_user("psa_staffing_approver")
        cls.colleague_user = cls._create_user("psa_colleague")
        cls.hr_officer = cls._create_user(
            "psa_hr_officer",
            "hr.group_hr_user",
            "psa_staffing.group_staffing_resource_manager",
        )
        cls.job_senior = cls.env["hr.job"].create({"name": "Senior Consultant"})
        cls.job_junior = cls.env["hr.job"].create({"name": "Junior Consultant"})
        cls.consultant = cls._create_employee(
            "Ada Consultant",
            cls.consultant_user,
            job_id=cls.job_senior.id,
            hourly_cost=90.0,
        )
        cls.colleague = cls._create_employee(
            "Bob Colleague",
            cls.colleague_user,
            job_id=cls.job_junior.id,
            hourly_cost=60.0,
        )
        cls.project = cls.env["project.project"].create(
            {
                "name": "ERP Roll-out",
                "user_id": cls.project_manager.id,
                "company_id": cls.env.company.id,
            }
        )
        cls.other_project = cls.env["project.project"].create(
            {
                "name": "Intranet",
                "user_id": cls.resource_manager.id,
                "company_id": cls.env.company.id,
            }
        )
        cls._create_skill_type()

    def _allocate(
        self, employee=None, hours=40.0, period=MARCH_2027, user=None, **vals
    ):
        """An allocation made by ``user`` (default: the resource manager) with
        all their companies selected."""
        user = user or self.resource_manager
        return (
            self.env["psa.allocation"]
            .with_user(user)
            .with_context(allowed_company_ids=user.company_ids.ids)
            .create(
                {
                    "employee_id": (employee or self.consultant).id,
                    "project_id": vals.pop("project", self.project).id,
                    "date_start": period[0],
                    "date_end": period[1],
                    **({"hours": hours} if hours is not None else {}),
                    **vals,
                }
            )
        )
