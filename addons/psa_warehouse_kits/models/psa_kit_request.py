from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import plaintext2html

from odoo.addons.stock.models.stock_rule import ProcurementException

STATES = [
    ("draft", "Draft"),
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("reserved", "Reserved"),
    ("dispatched", "Dispatched"),
    ("delivered", "Delivered"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
# fields a requester sets; changed only while the request is a draft or waits
EDITABLE_STATES = ("draft", "to_approve")
REQUEST_FIELDS = {
    "project_id",
    "task_id",
    "sale_order_id",
    "destination_type",
    "partner_id",
    "recipient_user_id",
    "warehouse_id",
    "line_ids",
}


class PsaKitRequest(models.Model):
    """Material for a project: a kit sent to a client site or to an employee.

    Approved through the matrix on its value at cost; approval creates the
    delivery with Odoo's procurement and reserves it at once.
    """

    _name = "psa.kit.request"
    _inherit = ["mail.thread", "mail.activity.mixin", "psa.approval.mixin"]
    _description = "Kit Request"
    _order = "needed_date, id desc"

    _approval_amount_field = "amount_total"
    _approval_amount_unit = "money"
    _approval_guarded_fields = ["project_id", "destination_type", "amount_total"]
    # approval is the only way to "approved"; cancelling cancels the reviews
    _approval_state_field = "state"
    _approval_state_from = ["draft", "to_approve"]
    _approval_state_to = ["approved"]
    _approval_cancel_state = "cancelled"

    name = fields.Char(
        string="Reference", readonly=True, copy=False, default="/", index=True
    )
    state = fields.Selection(
        STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    project_id = fields.Many2one(
        "project.project",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    task_id = fields.Many2one(
        "project.task", domain="[('project_id', '=', project_id)]", index=True
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        index=True,
        check_company=True,
        help="The order the billable items are delivered on.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    requester_id = fields.Many2one(
        "res.users",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
    )
    needed_date = fields.Date(required=True, tracking=True)
    destination_type = fields.Selection(
        [("site", "Client Site"), ("employee", "Employee")],
        string="Destination",
        required=True,
        default="employee",
        tracking=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Client Site",
        index=True,
        tracking=True,
        help="The address the kit is delivered to.",
    )
    recipient_user_id = fields.Many2one(
        "res.users",
        string="Employee",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
        help="The employee who receives the kit (and owes back its loans).",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        required=True,
        check_company=True,
        compute="_compute_warehouse_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    template_id = fields.Many2one(
        "psa.kit.template",
        string="Kit Template",
        help="Choosing a template copies its lines.",
    )
    line_ids = fields.One2many("psa.kit.request.line", "request_id", copy=True)
    amount_total = fields.Monetary(
        string="Value at Cost",
        compute="_compute_amount_total",
        store=True,
        currency_field="currency_id",
        tracking=True,
    )
    urgency = fields.Selection(
        [("normal", "Normal"), ("urgent", "Urgent"), ("critical", "Critical")],
        default="normal",
        required=True,
        tracking=True,
    )
    justification = fields.Text()
    has_classified = fields.Boolean(
        compute="_compute_line_flags",
        store=True,
        help="Holds an item of the Classified security class.",
    )
    has_restricted = fields.Boolean(compute="_compute_line_flags", store=True)
    has_client_owned = fields.Boolean(compute="_compute_line_flags", store=True)
    has_serialized = fields.Boolean(compute="_compute_line_flags", store=True)
    product_categ_ids = fields.Many2many(
        "product.category",
        string="Product Categories",
        compute="_compute_product_categ_ids",
        store=True,
        help="The categories of the items and their parent categories: a rule "
        "whose Condition names a category holds its subcategories too.",
    )
    consumables_only = fields.Boolean(
        compute="_compute_line_flags",
        store=True,
        help="Every line is a consumable that does not come back.",
    )
    project_in_progress = fields.Boolean(
        compute="_compute_project_in_progress",
        search="_search_project_in_progress",
        help="The project is active, started and not finished, on hold or done.",
    )
    procurement_group_id = fields.Many2one(
        "procurement.group", readonly=True, copy=False
    )
    picking_ids = fields.One2many(
        "stock.picking", "psa_kit_request_id", string="Transfers", readonly=True
    )
    loan_ids = fields.One2many("psa.kit.loan", "request_id", string="Loans")
    loan_count = fields.Integer(compute="_compute_loan_count")
    picking_count = fields.Integer(compute="_compute_picking_count", compute_sudo=True)
    priority_score = fields.Float(
        string="Recommended Priority",
        compute="_compute_priority_score",
        digits=(16, 1),
        help="Higher goes first for scarce stock: urgency (critical 100, urgent "
        "50), closeness of the needed date (up to 60 within 30 days) and the "
        "value of the sale order (up to 20).",
    )
    priority_rank = fields.Integer(
        string="Chosen Rank",
        tracking=True,
        help="Set by a person to override the recommendation: ranked requests "
        "(1 first) are reserved before the others, which follow the "
        "recommended priority.",
    )
    reservation_released = fields.Boolean(
        readonly=True,
        copy=False,
        help="The needed date is further away than the release setting: the "
        "stock is left for others until it comes close (re-reserved nightly).",
    )
    shortage = fields.Boolean(
        compute="_compute_shortage",
        help="Approved but not every line is reserved yet.",
    )

    _sql_constraints = [
        (
            "name_unique",
            "unique(company_id, name)",
            "A kit request reference is unique per company.",
        ),
    ]

    # ---------------------------------------------------------------- computes
    @api.depends("project_id")
    def _compute_company_id(self):
        for request in self:
            request.company_id = (
                request.project_id.company_id or request.company_id or self.env.company
            )

    @api.depends("company_id", "sale_order_id")
    def _compute_warehouse_id(self):
        warehouses = self.env["stock.warehouse"].sudo()
        of_company = {}  # one search per company, not per request created
        for request in self:
            company = (
                request.company_id or request.project_id.company_id or self.env.company
            )
            if request.sale_order_id.warehouse_id:
                request.warehouse_id = request.sale_order_id.warehouse_id
            elif request.warehouse_id.company_id != company:
                if company not in of_company:
                    of_company[company] = warehouses.search(
                        [("company_id", "=", company.id)], limit=1
                    )
                request.warehouse_id = of_company[company]

    @api.depends("line_ids.subtotal")
    def _compute_amount_total(self):
        for request in self:
            request.amount_total = sum(request.line_ids.mapped("subtotal"))

    @api.depends(
        "line_ids.product_id.psa_security_class",
        "line_ids.product_id.psa_ownership",
        "line_ids.product_id.tracking",
        "line_ids.product_id.detailed_type",
        "line_ids.treatment",
    )
    def _compute_line_flags(self):
        for request in self:
            products = request.line_ids.product_id
            classes = set(products.mapped("psa_security_class"))
            request.has_classified = "classified" in classes
            request.has_restricted = "restricted" in classes
            request.has_client_owned = "client" in products.mapped("psa_ownership")
            request.has_serialized = "serial" in products.mapped("tracking")
            request.consumables_only = bool(request.line_ids) and all(
                line.product_id.detailed_type == "consu"
                and line.treatment != "returnable"
                for line in request.line_ids
            )

    @api.depends("line_ids.product_id.categ_id.parent_path")
    def _compute_product_categ_ids(self):
        categories = self.env["product.category"]
        for request in self:
            ids = {
                int(part)
                for path in request.line_ids.product_id.categ_id.mapped("parent_path")
                for part in path.split("/")
                if part
            }
            request.product_categ_ids = categories.browse(sorted(ids))

    @api.depends_context("date")
    @api.depends(
        "project_id.active",
        "project_id.date_start",
        "project_id.date",
        "project_id.last_update_status",
    )
    def _compute_project_in_progress(self):
        today = fields.Date.context_today(self)
        for request in self:
            project = request.project_id.sudo()
            request.project_in_progress = bool(
                project.active
                and project.last_update_status not in ("on_hold", "done")
                and (not project.date_start or project.date_start <= today)
                and (not project.date or project.date >= today)
            )

    def _search_project_in_progress(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                _("Project in Progress can only be searched as true or false.")
            )
        today = fields.Date.context_today(self)
        projects = (
            self.env["project.project"]
            .sudo()
            ._search(
                [
                    ("last_update_status", "not in", ("on_hold", "done")),
                    "|",
                    ("date_start", "=", False),
                    ("date_start", "<=", today),
                    "|",
                    ("date", "=", False),
                    ("date", ">=", today),
                ]
            )
        )
        positive = (operator == "=") == value
        return [("project_id", "in" if positive else "not in", projects)]

    @api.depends_context("date")
    @api.depends("urgency", "needed_date", "sale_order_id.amount_untaxed")
    def _compute_priority_score(self):
        today = fields.Date.context_today(self)
        weights = {"critical": 100.0, "urgent": 50.0}
        for request in self:
            days = (request.needed_date - today).days if request.needed_date else 30
            order_value = request.sudo().sale_order_id.amount_untaxed
            request.priority_score = (
                weights.get(request.urgency, 0.0)
                + 2.0 * max(0, 30 - days)
                + min(order_value / 1000.0, 20.0)
            )

    def _priority_key(self):
        """Order of reservation: chosen ranks first, then the recommendation."""
        self.ensure_one()
        return (
            self.priority_rank or 10**6,
            -self.priority_score,
            self.needed_date,
            self.id,
        )

    def _compute_loan_count(self):
        for request in self:
            request.loan_count = len(request.loan_ids)

    def _compute_picking_count(self):
        for request in self:
            request.picking_count = len(request.picking_ids)

    @api.depends("state", "reservation_released", "line_ids.qty_missing")
    def _compute_shortage(self):
        for request in self:
            request.shortage = (
                request.state == "approved"
                and not request.reservation_released
                and any(line.qty_missing > 0 for line in request.line_ids)
            )

    # ------------------------------------------------------------- constrains
    @api.constrains("needed_date")
    def _check_needed_date(self):
        today = fields.Date.context_today(self)
        for request in self:
            if (
                request.state in ("draft", "to_approve", "approved", "reserved")
                and request.needed_date < today
            ):
                raise ValidationError(
                    _(
                        "Needed Date %(date)s of %(request)s is in the past.",
                        date=request.needed_date,
                        request=request.display_name,
                    )
                )

    @api.constrains("destination_type", "partner_id", "recipient_user_id")
    def _check_destination(self):
        for request in self:
            if request.destination_type == "site" and not request.partner_id:
                raise ValidationError(
                    _("Client Site is required when the destination is a site.")
                )
            if request.destination_type == "employee" and not request.recipient_user_id:
                raise ValidationError(
                    _("Employee is required when the destination is an employee.")
                )

    @api.constrains("task_id", "project_id")
    def _check_task_project(self):
        for request in self.filtered("task_id"):
            if request.task_id.project_id != request.project_id:
                raise ValidationError(
                    _(
                        "Task %(task)s is not a task of project %(project)s.",
                        task=request.task_id.display_name,
                        project=request.project_id.display_name,
                    )
                )

    @api.onchange("template_id")
    def _onchange_template_id(self):
        if self.template_id:
            self.line_ids = [(5, 0, 0)] + [
                (0, 0, vals) for vals in self.template_id._prepare_request_line_vals()
            ]

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        templates = self.env["psa.kit.template"]
        projects = self.env["project.project"]
        sequence = self.env["ir.sequence"]
        for vals in vals_list:
            if vals.get("template_id") and not vals.get("line_ids"):
                template = templates.browse(vals["template_id"])
                vals["line_ids"] = [
                    (0, 0, line) for line in template._prepare_request_line_vals()
                ]
            if vals.get("name", "/") == "/":
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or projects.browse(vals.get("project_id")).company_id
                    or self.env.company
                )
                vals["name"] = sequence.with_company(company).next_by_code(
                    "psa.kit.request"
                ) or _("New")
        return super().create(vals_list)

    def write(self, vals):
        locked = self.filtered(lambda r: r.state not in EDITABLE_STATES)
        frozen = REQUEST_FIELDS & set(vals)
        if locked and frozen:
            raise UserError(
                _(
                    "%(requests)s cannot change %(fields)s any more: it is past "
                    "approval. Cancel it and request again.",
                    requests=", ".join(locked.mapped("display_name")),
                    fields=", ".join(
                        self._fields[name].string for name in sorted(frozen)
                    ),
                )
            )
        res = super().write(vals)
        if "needed_date" in vals:
            self._follow_needed_date()
        return res

    def unlink(self):
        if self.filtered(lambda r: r.state not in ("draft", "cancelled")):
            raise UserError(_("Only draft or cancelled kit requests can be deleted."))
        return super().unlink()

    def _check_lines_editable(self):
        locked = self.filtered(lambda r: r.state != "draft")
        if locked:
            raise UserError(
                _(
                    "The lines of %(requests)s cannot change: it has been submitted. "
                    "Cancel it, set it back to draft and submit it again.",
                    requests=", ".join(locked.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------- approvals
    def _on_approval_granted(self):
        """Approved: deliver from the project's warehouse, reserved at once
        (for a selection approved together, once at the end: one batch)."""
        self.write({"state": "approved"})
        if not self.env.context.get("psa_kit_defer_delivery"):
            self._create_delivery()

    def action_approve(self, comment=None):
        deferred = self.with_context(psa_kit_defer_delivery=True)
        res = super(PsaKitRequest, deferred).action_approve(comment=comment)
        self.filtered(
            lambda r: r.state == "approved" and not r.procurement_group_id
        )._create_delivery()
        return res

    def _on_approval_rejected(self):
        self.write({"state": "draft"})

    def _on_approval_reset(self):
        """A project or destination changed while waiting: a draft again."""
        self.filtered(lambda r: r.state == "to_approve").write({"state": "draft"})

    # ---------------------------------------------------------------- actions
    def action_request_approval(self):
        """Submit: check the request, then route it through the matrix."""
        for request in self:
            if not request.line_ids:
                raise UserError(
                    _("%(request)s has no lines to request.", request=request.name)
                )
        self._check_needed_date()
        self.write({"state": "to_approve"})
        return super().action_request_approval()

    def action_cancel(self):
        done = self.filtered(lambda r: r.state in ("dispatched", "delivered", "closed"))
        if done:
            raise UserError(
                _(
                    "%(requests)s left the warehouse already: return its items "
                    "instead of cancelling.",
                    requests=", ".join(done.mapped("display_name")),
                )
            )
        self.check_access_rule("write")
        # the requester may cancel without stock rights: the request is the authority
        pickings = self.sudo().picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        pickings.action_cancel()
        self.env["psa.approval.review"].sudo()._cancel_open(
            pickings, _("Kit request cancelled")
        )
        self.env["psa.exception"]._close_exceptions(
            self, "kit_stock_shortage", _("Request cancelled.")
        )
        self.write({"state": "cancelled"})
        return True

    def action_draft(self):
        if self.filtered(lambda r: r.state != "cancelled"):
            raise UserError(_("Only cancelled kit requests can be set back to draft."))
        self.write({"state": "draft"})
        return True

    def action_view_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock.action_picking_tree_all"
        )
        action["domain"] = [("psa_kit_request_id", "=", self.id)]
        action["context"] = {"create": False}
        if len(self.picking_ids) == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = self.picking_ids.id
        return action

    def action_view_loans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_warehouse_kits.psa_kit_loan_action"
        )
        action["domain"] = [("request_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_confirm_delivered(self):
        """The recipient has the kit in hand."""
        self._check_warehouse_or_recipient()
        if self.filtered(lambda r: r.state != "dispatched"):
            raise UserError(_("Only dispatched kit requests can be marked delivered."))
        self.sudo().write({"state": "delivered"})
        return True

    def action_close(self):
        self._check_warehouse_user()
        if self.filtered(lambda r: r.state != "delivered"):
            raise UserError(_("Only delivered kit requests can be closed."))
        out = self.loan_ids.filtered(lambda loan: loan.state in ("lent", "returning"))
        if out:
            raise UserError(
                _(
                    "%(loans)s is still out on loan: register the return first.",
                    loans=", ".join(out.mapped("name")),
                )
            )
        self.write({"state": "closed"})
        return True

    # ----------------------------------------------------------------- stock
    def _check_warehouse_user(self):
        if not self.env.user.has_group("psa_warehouse_kits.group_kit_warehouse_user"):
            raise AccessError(_("Only warehouse users may do this on kit requests."))

    def _check_warehouse_or_recipient(self):
        if self.env.user.has_group("psa_warehouse_kits.group_kit_warehouse_user"):
            return
        others = self.filtered(
            lambda r: self.env.user not in (r.recipient_user_id | r.requester_id)
        )
        if others:
            raise AccessError(
                _(
                    "Only the warehouse, the requester or the employee may confirm "
                    "the delivery of %(requests)s.",
                    requests=", ".join(others.mapped("display_name")),
                )
            )

    def _destination_partner(self):
        self.ensure_one()
        if self.destination_type == "site":
            return self.partner_id
        return self.recipient_user_id.partner_id

    def _prepare_procurement_group_vals(self):
        self.ensure_one()
        return {
            "name": self.name,
            "partner_id": self._destination_partner().id,
            "move_type": "direct",
            "psa_kit_request_id": self.id,
        }

    def _create_delivery(self):
        """One procurement group and delivery per request, through the
        warehouse's delivery route; Odoo reserves it at confirmation. What is
        missing is procured through the products' routes."""
        # approval is the authority: the approver may have no stock rights
        requests = self.sudo()
        groups = (
            self.env["procurement.group"]
            .sudo()
            .create([request._prepare_procurement_group_vals() for request in requests])
        )
        procurements = []
        procurement = self.env["procurement.group"].Procurement
        for request, group in zip(requests, groups, strict=True):
            request.procurement_group_id = group
            partner = request._destination_partner()
            for line in request.line_ids:
                procurements.append(
                    procurement(
                        line.product_id,
                        line.quantity,
                        line.product_uom_id,
                        partner.property_stock_customer,
                        line.product_id.display_name,
                        request.name,
                        request.company_id,
                        line._prepare_procurement_values(group),
                    )
                )
        with self.env["procurement.group"]._psa_rule_memo():
            self.env["procurement.group"].sudo().run(procurements)
        # pickings reserving at confirmation did (all their moves at once);
        # the others reserve now
        requests.picking_ids.move_ids.filtered(
            lambda m: (
                m.state in ("confirmed", "partially_available")
                and m.picking_type_id.reservation_method != "at_confirm"
            )
        )._action_assign()
        requests._sync_reservation(procure=True)
        horizon = self._release_horizon()
        requests.filtered(lambda r: r.needed_date > horizon)._follow_needed_date()

    def _sync_reservation(self, procure=False):
        """Reserved when every line is, else approved with a shortage
        exception; with ``procure``, missing quantities are procured."""
        requests = self.sudo().filtered(
            lambda r: r.state in ("approved", "reserved") and not r.reservation_released
        )
        short = requests.filtered(
            lambda r: any(line.qty_missing > 0 for line in r.line_ids)
        )
        full = requests - short
        if full:
            full.filtered(lambda r: r.state != "reserved").write({"state": "reserved"})
            self.env["psa.exception"]._close_exceptions(
                full, "kit_stock_shortage", _("Every line is reserved.")
            )
        if short:
            short.filtered(lambda r: r.state != "approved").write({"state": "approved"})
            if procure:
                short._procure_missing()
            self.env["psa.exception"]._open_exceptions(
                short,
                "kit_stock_shortage",
                lambda r: _(
                    "%(request)s: not enough stock for %(lines)s",
                    request=r.name,
                    lines=", ".join(
                        f"{line.product_id.display_name} ({line.qty_missing:g})"
                        for line in r.line_ids
                        if line.qty_missing > 0
                    ),
                ),
                owner=lambda r: r.requester_id,
            )

    def _release_horizon(self):
        days = self.env["psa.batch"]._param("psa_warehouse_kits.release_days", 30, int)
        return fields.Date.context_today(self) + timedelta(days=days)

    def _follow_needed_date(self):
        """The delivery follows the needed date; a date beyond the release
        setting frees the reservation for others, a date within it takes it
        back. Both logged on the request."""
        requests = self.sudo().filtered(lambda r: r.state in ("approved", "reserved"))
        if not requests:
            return
        horizon = self._release_horizon()
        moves = requests.picking_ids.move_ids.filtered(
            lambda m: m.state not in ("done", "cancel")
        )
        for request in requests:
            request.picking_ids.filtered(
                lambda p: p.state not in ("done", "cancel")
            ).scheduled_date = fields.Datetime.to_datetime(request.needed_date)
        far = requests.filtered(lambda r: r.needed_date > horizon)
        near = requests.filtered(
            lambda r: r.reservation_released and r.needed_date <= horizon
        )
        far_moves = moves.filtered(lambda m: m.psa_kit_line_id.request_id in far)
        if far:
            far.write({"reservation_released": True, "state": "approved"})
            far_moves.filtered(
                lambda m: m.state in ("assigned", "partially_available")
            )._do_unreserve()
            self.env["psa.exception"]._close_exceptions(
                far, "kit_stock_shortage", _("Reservation released until needed.")
            )
            far._log_notes(
                lambda r: _(
                    "Reservation released: needed on %(date)s, beyond %(horizon)s.",
                    date=r.needed_date,
                    horizon=horizon,
                )
            )
        if near:
            near.write({"reservation_released": False})
            (moves - far_moves).filtered(
                lambda m: (
                    m.psa_kit_line_id.request_id in near
                    and m.state in ("confirmed", "partially_available")
                )
            )._action_assign()
            near._sync_reservation()
            near._log_notes(
                lambda r: _("Reserved again: needed on %(date)s.", date=r.needed_date)
            )

    @api.model
    def action_open_scarce_stock(self):
        """Requests competing for products that are short: an approved
        request misses some, and another open request holds or wants them."""
        open_requests = self.search(
            [
                ("state", "in", ("approved", "reserved")),
                ("reservation_released", "=", False),
            ]
        )
        lines = open_requests.line_ids
        short = lines.filtered(lambda ln: ln.qty_missing > 0).product_id
        competing = lines.filtered(lambda ln: ln.product_id in short).request_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_warehouse_kits.psa_kit_request_action_scarce"
        )
        action["domain"] = [("id", "in", competing.ids)]
        return action

    def action_reserve_by_priority(self):
        """Reserve the scarce stock again in the chosen order (ranks, then the
        recommendation): everything these requests hold is released first."""
        self._check_warehouse_user()
        requests = self.sudo().filtered(
            lambda r: r.state in ("approved", "reserved") and not r.reservation_released
        )
        moves = requests.picking_ids.move_ids.filtered(
            lambda m: m.state not in ("done", "cancel")
        )
        moves.filtered(
            lambda m: m.state in ("assigned", "partially_available")
        )._do_unreserve()
        for request in requests.sorted(lambda r: r._priority_key()):
            moves.filtered(
                lambda m, r=request: m.psa_kit_line_id.request_id == r
            )._action_assign()
        requests._sync_reservation()
        requests._log_notes(
            lambda r: _(
                "Reserved again by priority (rank %(rank)s, recommended %(score).1f).",
                rank=r.priority_rank or "-",
                score=r.priority_score,
            )
        )
        return True

    @api.model
    def _cron_rereserve(self, batch_size=None):
        """Nightly: requests whose released reservation is needed soon take
        it back; batches claimed with row locks, committed, idempotent."""
        batch = self.env["psa.batch"]
        size = batch_size or batch._param(
            "psa_warehouse_kits.release_batch_size", 200, int
        )
        domain = [
            ("reservation_released", "=", True),
            ("state", "in", ("approved", "reserved")),
            ("needed_date", "<=", self._release_horizon()),
        ]
        for requests in batch._walk(self._name, domain, size):
            requests._follow_needed_date()

    def _procure_missing(self):
        """Replenish the warehouse stock with what is missing, through each
        product's own routes (buy: an RFQ to its vendor), in one procurement
        run for all the requests. A product without a route is noted on its
        request for a person to handle, and the others are procured."""
        group_model = self.env["procurement.group"].sudo()
        todo = []
        for request in self:
            values = {
                "warehouse_id": request.warehouse_id,
                "date_planned": fields.Datetime.to_datetime(request.needed_date),
                "company_id": request.company_id,
            }
            todo += [
                (
                    request,
                    line,
                    group_model.Procurement(
                        line.product_id,
                        line.qty_missing,
                        line.product_uom_id,
                        request.warehouse_id.lot_stock_id,
                        line.product_id.display_name,
                        request.name,
                        request.company_id,
                        dict(values),
                    ),
                )
                for line in request.line_ids
                if line.qty_missing > 0
            ]
        # Odoo's run refuses every procurement when one fails: run again
        # without those that failed, until the rest goes through
        while todo:
            try:
                with (
                    self.env.cr.savepoint(),
                    self.env["procurement.group"]._psa_rule_memo(),
                ):
                    group_model.run([item[2] for item in todo], raise_user_error=False)
                return
            except ProcurementException as error:
                failed = {
                    id(procurement): message
                    for procurement, message in error.procurement_exceptions
                }
            except UserError as error:
                failed = {id(item[2]): error.args[0] for item in todo}
            remaining = [item for item in todo if id(item[2]) not in failed]
            if len(remaining) == len(todo):  # errors we cannot place: all failed
                message = "\n".join(failed.values())
                failed = {id(item[2]): message for item in todo}
                remaining = []
            notes = {}
            for request, line, procurement in todo:
                if id(procurement) in failed:
                    notes.setdefault(request, []).append(
                        _(
                            "%(product)s could not be replenished: %(error)s",
                            product=line.product_id.display_name,
                            error=failed[id(procurement)],
                        )
                    )
            self.browse([r.id for r in notes])._log_notes(
                lambda r, notes=notes: "\n".join(notes[r])
            )
            todo = remaining

    def _log_notes(self, text):
        """A note in each request's chatter, ``text(request)``, written for
        all of them at once (``message_post`` costs queries per record)."""
        if self:
            self._message_log_batch(
                {request.id: plaintext2html(text(request)) for request in self}
            )

    def _on_delivery_done(self):
        """The delivery left the warehouse: the request is dispatched."""
        self.filtered(lambda r: r.state in ("approved", "reserved")).write(
            {"state": "dispatched"}
        )
