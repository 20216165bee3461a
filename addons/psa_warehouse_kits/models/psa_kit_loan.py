from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

LOAN_STATES = [
    ("lent", "Lent"),
    ("returning", "Return Expected"),
    ("returned", "Returned"),
    ("written_off", "Written Off"),
]
OUT_STATES = ("lent", "returning")


class PsaKitLoan(models.Model):
    """One unit (or serial) of a returnable kit line out with an employee or at
    a client site, until it comes back through a return receipt."""

    _name = "psa.kit.loan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Kit Loan"
    _order = "date_due, id"

    name = fields.Char(compute="_compute_name", store=True)
    request_id = fields.Many2one(
        "psa.kit.request",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
    )
    request_line_id = fields.Many2one(
        "psa.kit.request.line",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
    )
    move_id = fields.Many2one(
        "stock.move", string="Delivery Move", readonly=True, index=True
    )
    product_id = fields.Many2one(
        "product.product", required=True, index=True, readonly=True
    )
    lot_id = fields.Many2one(
        "stock.lot", string="Serial Number", index=True, readonly=True
    )
    project_id = fields.Many2one(
        related="request_id.project_id", store=True, index=True
    )
    user_id = fields.Many2one(
        related="request_id.recipient_user_id",
        store=True,
        index=True,
        string="Employee",
    )
    partner_id = fields.Many2one(
        related="request_id.partner_id", store=True, index=True, string="Client Site"
    )
    project_manager_id = fields.Many2one(
        related="request_id.project_id.user_id", string="Project Manager"
    )
    company_id = fields.Many2one(
        related="request_id.company_id", store=True, index=True
    )
    date_out = fields.Date(string="Lent On", readonly=True)
    date_due = fields.Date(string="Due", required=True, tracking=True, index=True)
    date_returned = fields.Date(string="Returned On", readonly=True)
    state = fields.Selection(
        LOAN_STATES,
        default="lent",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    return_picking_id = fields.Many2one(
        "stock.picking", string="Return Receipt", readonly=True, index=True
    )
    overdue = fields.Boolean(
        compute="_compute_overdue",
        search="_search_overdue",
        help="Out past its due date.",
    )
    reminded_on = fields.Date(
        readonly=True,
        copy=False,
        help="When the employee was reminded of the due date (once per due date).",
    )
    escalated_on = fields.Date(
        readonly=True,
        copy=False,
        help="When the project manager was told it is overdue (once per due date).",
    )

    @api.depends("product_id", "lot_id", "request_id")
    def _compute_name(self):
        for loan in self:
            item = loan.lot_id.name or loan.product_id.display_name or ""
            if loan.lot_id:
                item = f"{loan.product_id.display_name} {loan.lot_id.name}"
            loan.name = f"{loan.request_id.name}: {item}"

    @api.depends_context("date")
    @api.depends("date_due", "state")
    def _compute_overdue(self):
        today = fields.Date.context_today(self)
        for loan in self:
            loan.overdue = loan.state in OUT_STATES and loan.date_due < today

    def _search_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Overdue can only be searched as true or false."))
        today = fields.Date.context_today(self)
        domain = [("state", "in", OUT_STATES), ("date_due", "<", today)]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    def write(self, vals):
        if "date_due" in vals:
            # a new due date: a new reminder and escalation when it comes
            vals = dict(vals, reminded_on=False, escalated_on=False)
        return super().write(vals)

    # ---------------------------------------------------------------- creation
    @api.model
    def _create_from_deliveries(self, moves):
        """One loan per serial (or per unit) of the returnable lines of done
        delivery moves; due at the project's end, else 30 days after."""
        today = fields.Date.context_today(self)
        vals_list = []
        for move in moves.filtered(
            lambda m: m.state == "done" and m.psa_kit_line_id.treatment == "returnable"
        ):
            line = move.psa_kit_line_id
            due = line.request_id.project_id.date or today + timedelta(days=30)
            base = {
                "request_id": line.request_id.id,
                "request_line_id": line.id,
                "move_id": move.id,
                "product_id": move.product_id.id,
                "date_out": today,
                "date_due": max(due, today),
            }
            if move.has_tracking == "serial":
                vals_list += [
                    dict(base, lot_id=ml.lot_id.id)
                    for ml in move.move_line_ids
                    if ml.lot_id
                ]
            else:
                units = int(
                    move.product_uom._compute_quantity(
                        move.quantity, move.product_id.uom_id
                    )
                )
                vals_list += [dict(base) for _unit in range(units)]
        return self.sudo().with_context(mail_create_nolog=True).create(vals_list)

    # ------------------------------------------------------------------ return
    def action_return(self):
        """One click: a return receipt (Odoo's return of the delivery) for
        these loans, serials filled in; the warehouse validates it on arrival."""
        if not self.env.user.has_group("psa_warehouse_kits.group_kit_warehouse_user"):
            raise AccessError(_("Only warehouse users register returns."))
        not_out = self.filtered(lambda loan: loan.state != "lent")
        if not_out:
            raise UserError(
                _(
                    "%(loans)s is not out on loan (already returned or expected back).",
                    loans=", ".join(not_out.mapped("name")),
                )
            )
        pickings = self.env["stock.picking"]
        for delivery, loans in self.grouped(
            lambda loan: loan.move_id.picking_id
        ).items():
            pickings |= loans._create_return(delivery)
        if len(pickings) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "stock.picking",
                "res_id": pickings.id,
                "view_mode": "form",
            }
        return True

    def action_write_off(self):
        """Open a write-off of this loan (lost, or scrapped once returned)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "psa.kit.write.off",
            "view_mode": "form",
            "context": {
                "default_loan_id": self.id,
                "default_kind": "scrap" if self.state == "returned" else "lost",
            },
        }

    def _create_return(self, delivery):
        """The return receipt of ``delivery`` for self, through stock.return.picking."""
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=delivery.id, active_model="stock.picking")
            .create({"picking_id": delivery.id})
        )
        wanted = {}
        for loan in self:
            wanted[loan.move_id] = wanted.get(loan.move_id, 0.0) + 1.0
        for line in wizard.product_return_moves:
            line.quantity = wanted.get(line.move_id, 0.0)
        wizard.product_return_moves.filtered(lambda ln: not ln.quantity).unlink()
        picking_id, _picking_type = wizard._create_returns()
        receipt = self.env["stock.picking"].browse(picking_id)
        for move in receipt.move_ids:
            loans = self.filtered(
                lambda loan, m=move: loan.move_id == m.origin_returned_move_id
            )
            lots = loans.lot_id
            if lots:
                move.move_line_ids.unlink()
                self.env["stock.move.line"].create(
                    [
                        move._prepare_move_line_vals(quantity=1.0)
                        | {"lot_id": lot.id, "quantity": 1.0}
                        for lot in lots
                    ]
                )
        self.write({"state": "returning", "return_picking_id": receipt.id})
        return receipt

    @api.model
    def _check_return(self, receipt):
        """Refuse a return receipt that takes back more than was lent, or a
        serial that was not lent, naming the field; the receipt is untouched."""
        outstanding = self.search(
            [
                (
                    "request_id",
                    "in",
                    receipt.move_ids.origin_returned_move_id.psa_kit_line_id.request_id.ids,
                ),
                ("state", "in", OUT_STATES),
            ]
        )
        # only lent items are checked against loans; billable and expense
        # items may come back too (their money follows the return)
        for move in receipt.move_ids.filtered(
            lambda m: (
                m.origin_returned_move_id.psa_kit_line_id.treatment == "returnable"
            )
        ):
            lent = outstanding.filtered(
                lambda loan, m=move: loan.move_id == m.origin_returned_move_id
            )
            if move.quantity > len(lent):
                raise UserError(
                    _(
                        "Quantity: %(qty)s %(product)s returned on %(receipt)s, "
                        "only %(lent)s out on loan.",
                        qty=move.quantity,
                        product=move.product_id.display_name,
                        receipt=receipt.name,
                        lent=len(lent),
                    )
                )
            strangers = move.move_line_ids.lot_id - lent.lot_id
            if strangers:
                raise UserError(
                    _(
                        "Serial Number %(lots)s of %(product)s was not lent on "
                        "%(request)s.",
                        lots=", ".join(strangers.mapped("name")),
                        product=move.product_id.display_name,
                        request=lent.request_id[:1].name or receipt.origin,
                    )
                )

    @api.model
    def _register_returns(self, receipts):
        """Done return receipts close the loans whose serials (or units) came back."""
        today = fields.Date.context_today(self)
        for receipt in receipts:
            returned = self.browse()
            for move in receipt.move_ids.filtered(lambda m: m.state == "done"):
                candidates = self.search(
                    [
                        ("move_id", "=", move.origin_returned_move_id.id),
                        ("state", "in", OUT_STATES),
                    ],
                    order="state desc, id",  # those expected back first
                )
                if move.has_tracking == "serial":
                    returned |= candidates.filtered(
                        lambda loan, m=move: loan.lot_id in m.move_line_ids.lot_id
                    )
                else:
                    returned |= candidates[: int(move.quantity)]
            returned.write(
                {
                    "state": "returned",
                    "date_returned": today,
                    "return_picking_id": receipt.id,
                }
            )
            # loans expected on this receipt that did not come back stay out
            self.search(
                [("return_picking_id", "=", receipt.id), ("state", "=", "returning")]
            ).write({"state": "lent", "return_picking_id": False})

    # ------------------------------------------------------------------- cron
    @api.model
    def _reminder_domain(self, today, days):
        """Loans out that need a reminder (due within ``days``, not reminded
        for this due date) or an escalation (overdue, not escalated)."""
        return [
            ("state", "in", OUT_STATES),
            "|",
            "&",
            ("reminded_on", "=", False),
            ("date_due", "<=", today + timedelta(days=days)),
            "&",
            ("escalated_on", "=", False),
            ("date_due", "<", today),
        ]

    @api.model
    def _cron_remind_loans(self, batch_size=None, today=None):
        """Nightly: remind employees of loans due soon, escalate overdue ones
        to the project manager. Batches claimed with row locks and committed;
        each loan is reminded and escalated once per due date (the marks are
        written with the activities, in the batch's transaction)."""
        batch = self.env["psa.batch"]
        size = batch_size or batch._param(
            "psa_warehouse_kits.loan_batch_size", 500, int
        )
        days = batch._param("psa_warehouse_kits.loan_reminder_days", 3, int)
        today = today or fields.Date.context_today(self)
        domain = self._reminder_domain(today, days)
        for loans in batch._walk(self._name, domain, size):
            loans._remind_and_escalate(today, days)

    def _remind_and_escalate(self, today, days=3):
        """One reminder activity per loan for its employee, one escalation
        activity per overdue loan for its project manager, and the marks; for
        the loans of self (one batch), in a number of queries that does not
        depend on the batch's size or its people (see the loans benchmark)."""
        horizon = today + timedelta(days=days)
        # one read of the loans, one of their projects' managers
        self.fetch(
            ["name", "state", "date_due", "user_id", "project_id"]
            + ["reminded_on", "escalated_on"]
        )
        self.project_id.fetch(["user_id"])
        out = self.filtered(lambda loan: loan.state in OUT_STATES)
        remind = out.filtered(
            lambda loan: not loan.reminded_on and loan.date_due <= horizon
        )
        escalate = out.filtered(
            lambda loan: not loan.escalated_on and loan.date_due < today
        )
        activities = [
            (
                loan,
                loan.user_id.id,
                _("Return %(loan)s by %(due)s", loan=loan.name, due=loan.date_due),
                loan.date_due,
            )
            for loan in remind
            if loan.user_id
        ] + [
            (
                loan,
                loan.project_id.user_id.id,
                _("Overdue since %(due)s: %(loan)s", loan=loan.name, due=loan.date_due),
                today,
            )
            for loan in escalate
            if loan.project_id.user_id
        ]
        # the marks are not tracked: no chatter work for them
        marks = self.with_context(tracking_disable=True)
        (marks & remind).write({"reminded_on": today})
        (marks & escalate).write({"escalated_on": today})
        self._insert_activities(activities)

    def _insert_activities(self, activities):
        """Insert the activities ``(loan, user id, summary, deadline)`` with
        one statement, the rows ``mail.activity.create`` would write for an
        automated activity. Its ``create`` costs queries per row the nightly
        job cannot afford: an INSERT per 100 rows, its assignees subscribed
        to the loans one assignee at a time, a bus message per activity due
        (the assignees see them at their next page load)."""
        self.flush_recordset()
        if not activities:
            return
        loans, users, summaries, deadlines = zip(*activities, strict=True)
        cr = self.env.cr
        cr.execute(
            """
            INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name,
                   activity_type_id, summary, user_id, date_deadline, automated,
                   active, create_uid, write_uid, create_date, write_date)
            SELECT %(model_id)s, %(model)s, act.res_id, act.res_name, %(type)s,
                   act.summary, act.user_id, act.deadline, true, true,
                   %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM unnest(%(res_ids)s::int[], %(names)s::varchar[],
                          %(summaries)s::varchar[], %(users)s::int[],
                          %(deadlines)s::date[])
                   AS act(res_id, res_name, summary, user_id, deadline)
            """,
            {
                "model_id": self.env["ir.model"]._get_id(self._name),
                "model": self._name,
                "type": self.env.ref(
                    "psa_warehouse_kits.mail_activity_kit_loan_due"
                ).id,
                "uid": self.env.uid,
                "now": cr.now(),
                "res_ids": [loan.id for loan in loans],
                "names": [loan.name for loan in loans],
                "summaries": list(summaries),
                "users": list(users),
                "deadlines": list(deadlines),
            },
        )
        self.env["mail.activity"].invalidate_model()
        self.invalidate_recordset(["activity_ids"])
