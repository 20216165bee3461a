from datetime import timedelta

from odoo import _, api, fields, models

BENCH_WEEKS = 4


class PsaStaffingBench(models.TransientModel):
    """Employees with free capacity in the next four weeks, computed when the
    menu opens (capacity depends on calendars and leave, not on a table)."""

    _name = "psa.staffing.bench"
    _description = "Bench"
    _order = "free_hours desc, id"

    employee_id = fields.Many2one("hr.employee", required=True, ondelete="cascade")
    job_id = fields.Many2one("hr.job", string="Job Position")
    company_id = fields.Many2one("res.company", required=True)
    date_from = fields.Date(string="From")
    date_to = fields.Date(string="To")
    capacity_hours = fields.Float(string="Capacity (h)")
    allocated_hours = fields.Float(string="Allocated (h)")
    free_hours = fields.Float(string="Free (h)")
    utilization = fields.Float(string="Utilization (%)", digits=(5, 0))

    @api.model
    def _action_open_bench(self):
        """Fill the bench of the current user's companies and open it."""
        self.search([("create_uid", "=", self.env.uid)]).unlink()
        date_from = fields.Date.context_today(self)
        date_to = date_from + timedelta(weeks=BENCH_WEEKS, days=-1)
        self.create(self._prepare_bench_vals(date_from, date_to))
        return {
            "type": "ir.actions.act_window",
            "name": _("Bench"),
            "res_model": self._name,
            "view_mode": "tree",
            "domain": [("create_uid", "=", self.env.uid)],
            "context": {"create": False},
        }

    @api.model
    def _prepare_bench_vals(self, date_from, date_to):
        """One row per employee of the allowed companies with free hours."""
        # sudo: calendars are not on the public employee profile
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search(
                [
                    ("company_id", "in", self.env.companies.ids),
                    ("resource_calendar_id", "!=", False),
                ]
            )
        )
        loads = self.env["psa.staffing.capacity"]._compute(
            [(employee, date_from, date_to) for employee in employees]
        )
        vals_list = []
        for employee, (capacity, allocated) in zip(employees, loads, strict=True):
            free = capacity - allocated
            if free < 1.0:
                continue
            vals_list.append(
                {
                    "employee_id": employee.id,
                    "job_id": employee.job_id.id,
                    "company_id": employee.company_id.id,
                    "date_from": date_from,
                    "date_to": date_to,
                    "capacity_hours": capacity,
                    "allocated_hours": allocated,
                    "free_hours": free,
                    "utilization": 100.0 * allocated / capacity if capacity else 0.0,
                }
            )
        return vals_list
