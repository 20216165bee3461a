from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression

# What a validated line may no longer change: what was worked, when, by whom,
# on what, and what it bills to.
LOCKED_FIELDS = {
    "name",
    "date",
    "unit_amount",
    "amount",
    "employee_id",
    "user_id",
    "project_id",
    "task_id",
    "so_line",
    "product_uom_id",
}
VALIDATION_FIELDS = {"psa_validated", "psa_validated_by_id", "psa_validated_on"}
VALIDATOR_PARAM = "psa_billing_readiness.timesheet_validator"


class AccountAnalyticLine(models.Model):
    """Timesheet validation: a manager validates time per employee and week;
    a validated line is locked until a timesheet manager unlocks it with a
    reason (logged)."""

    _inherit = "account.analytic.line"

    psa_validated = fields.Boolean(
        string="Validated",
        readonly=True,
        copy=False,
        index=True,
        help="Validated by a manager: locked, and billable when Settings "
        "invoice validated time only.",
    )
    psa_validated_by_id = fields.Many2one(
        "res.users", string="Validated By", readonly=True, copy=False
    )
    psa_validated_on = fields.Datetime(string="Validated On", readonly=True, copy=False)
    psa_can_validate = fields.Boolean(
        string="To Validate by Me",
        compute="_compute_psa_can_validate",
        search="_search_psa_can_validate",
    )

    @api.depends_context("uid")
    @api.depends("manager_id", "project_id.user_id", "user_id")
    def _compute_psa_can_validate(self):
        allowed = self._psa_validatable()
        for line in self:
            line.psa_can_validate = line in allowed and not line.psa_validated

    def _search_psa_can_validate(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                _("To Validate by Me can only be searched as true or false.")
            )
        domain = [
            ("project_id", "!=", False),
            ("psa_validated", "=", False),
            ("user_id", "!=", self.env.uid),
        ]
        if not self._psa_is_timesheet_manager():
            domain.append(self._psa_validator_domain())
        positive = (operator == "=") == value
        return (
            domain if positive else ["!", *expression.AND([[leaf] for leaf in domain])]
        )

    @api.model
    def _psa_validator_mode(self):
        """Who validates: ``employee_manager`` (the default) or ``project_manager``."""
        mode = self.env["ir.config_parameter"].sudo().get_param(VALIDATOR_PARAM)
        return (
            mode
            if mode in ("employee_manager", "project_manager")
            else ("employee_manager")
        )

    @api.model
    def _psa_validator_domain(self):
        """The leaf selecting lines the current user validates as a manager."""
        if self._psa_validator_mode() == "project_manager":
            return ("project_id.user_id", "=", self.env.uid)
        # sudo: validators need not be HR officers to know who reports to them
        reports = (
            self.env["hr.employee"]
            .sudo()
            ._search([("parent_id.user_id", "=", self.env.uid)])
        )
        return ("employee_id", "in", reports)

    @api.model
    def _psa_is_timesheet_manager(self):
        return self.env.su or self.env.user.has_group(
            "hr_timesheet.group_timesheet_manager"
        )

    def _psa_own(self):
        """The lines of self logged by or for the current user."""
        # sudo: hr.employee is for HR officers; its user is not a secret
        return self.filtered(
            lambda line: (
                self.env.user in (line.user_id | line.sudo().employee_id.user_id)
            )
        )

    def _psa_validatable(self):
        """The lines of self the current user may validate (never their own)."""
        others = (self - self._psa_own()).filtered("project_id")
        if self._psa_is_timesheet_manager():
            return others
        if self._psa_validator_mode() == "project_manager":
            return others.filtered(
                lambda line: line.project_id.user_id == self.env.user
            )
        return others.filtered(
            lambda line: line.sudo().employee_id.parent_id.user_id == self.env.user
        )

    def _is_readonly(self):
        """Validated time is read-only in timesheet views (hr_timesheet's hook)."""
        return super()._is_readonly() or self.psa_validated

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(VALIDATION_FIELDS & set(vals) for vals in vals_list):
            raise AccessError(_("Timesheets are validated with the Validate button."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if VALIDATION_FIELDS & set(vals):
                raise AccessError(
                    _(
                        "Timesheets are validated with the Validate button and "
                        "unlocked by a timesheet manager with a reason."
                    )
                )
            if LOCKED_FIELDS & set(vals):
                self._psa_check_unlocked()
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            self._psa_check_unlocked()
        return super().unlink()

    def _psa_check_unlocked(self):
        locked = self.filtered("psa_validated")
        if locked:
            raise UserError(
                _(
                    "These timesheet lines are validated and locked: %(lines)s. "
                    "A timesheet manager can unlock them, giving a reason.",
                    lines=", ".join(
                        f"{line.sudo().employee_id.name} {line.date} ({line.name})"
                        for line in locked[:10]
                    ),
                )
            )

    # --------------------------------------------------------------- actions
    def action_psa_validate(self):
        """Validate the selected time; each line must be someone else's, and
        one the current user validates (their report's, or their project's,
        per Settings; timesheet managers validate any)."""
        lines = self.filtered(lambda line: not line.psa_validated)
        if not lines:
            raise UserError(_("The selected timesheet lines are validated already."))
        not_timesheets = lines.filtered(lambda line: not line.project_id)
        if not_timesheets:
            raise UserError(
                _("Only timesheet lines (with a Project) can be validated.")
            )
        if lines._psa_own():
            raise AccessError(_("Nobody validates their own time: ask your manager."))
        refused = lines - lines._psa_validatable()
        if refused:
            who = (
                _("the project manager")
                if self._psa_validator_mode() == "project_manager"
                else _("the employee's manager")
            )
            raise AccessError(
                _(
                    "Only %(who)s or a timesheet manager may validate the time "
                    "of %(employees)s.",
                    who=who,
                    employees=", ".join(
                        sorted(set(refused.sudo().employee_id.mapped("name")))
                    ),
                )
            )
        lines.sudo().write(
            {
                "psa_validated": True,
                "psa_validated_by_id": self.env.uid,
                "psa_validated_on": fields.Datetime.now(),
            }
        )
        self.env["psa.approval.log"]._record_billing(lines, "timesheet_validated")
        lines.sudo().order_id._psa_refresh_readiness()
        return True

    def action_psa_write_off(self):
        """Open a new write-off of the selected billable time, to give its
        reason and submit it."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Write-off"),
            "res_model": "psa.timesheet.writeoff",
            "view_mode": "form",
            "context": {"default_line_ids": [(6, 0, self.ids)]},
        }

    def action_psa_unlock(self, reason=None):
        """Unlock validated lines; timesheet managers only, with a reason.
        Without a reason, open the dialog asking for it."""
        if not self._psa_is_timesheet_manager():
            raise AccessError(_("Only a timesheet manager can unlock validated time."))
        if reason is None:
            return self.env["psa.timesheet.unlock.wizard"]._action_for(self)
        if not (reason or "").strip():
            raise UserError(_("Give a Reason to unlock validated time."))
        lines = self.filtered("psa_validated")
        if not lines:
            raise UserError(_("None of the selected timesheet lines is validated."))
        lines.sudo().write(
            {
                "psa_validated": False,
                "psa_validated_by_id": False,
                "psa_validated_on": False,
            }
        )
        self.env["psa.approval.log"]._record_billing(
            lines, "timesheet_unlocked", comment=reason.strip()
        )
        lines.sudo().order_id._psa_refresh_readiness()
        return True
