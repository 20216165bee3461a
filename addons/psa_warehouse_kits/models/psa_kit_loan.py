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
        loans = self.search([("return_picking_id", "=", receipt.id)])
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
        return loans

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
    def _cron_remind_loans(self, batch_size=None):
        """Nightly: remind employees of loans due soon, escalate overdue ones
        to the project manager. Batches claimed with row locks and committed;
        each loan is reminded and escalated once per due date."""
        batch = self.env["psa.batch"]
        size = batch_size or batch._param(
            "psa_warehouse_kits.loan_batch_size", 500, int
        )
        days = batch._param("psa_warehouse_kits.loan_reminder_days", 3, int)
        today = fields.Date.context_today(self)
        domain = [
            ("state", "in", OUT_STATES),
            "|",
            "&",
            ("reminded_on", "=", False),
            ("date_due", "<=", today + timedelta(days=days)),
            "&",
            ("escalated_on", "=", False),
            ("date_due", "<", today),
        ]
        for loans in batch._walk(self._name, domain, size):
            loans._remind_and_escalate(today)

    def _remind_and_escalate(self, today):
        """One reminder activity per employee and one escalation activity per
        project manager, for the loans of self (one batch)."""
        remind = self.filtered(lambda loan: not loan.reminded_on)
        escalate = self.filtered(
            lambda loan: not loan.escalated_on and loan.date_due < today
        )
        activity_type = self.env.ref("psa_warehouse_kits.mail_activity_kit_loan_due")
        vals_list = []
        model_id = self.env["ir.model"]._get_id(self._name)
        for loan in remind.filtered("user_id"):
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": loan.id,
                    "activity_type_id": activity_type.id,
                    "summary": _(
                        "Return %(loan)s by %(due)s", loan=loan.name, due=loan.date_due
                    ),
                    "user_id": loan.user_id.id,
                    "date_deadline": loan.date_due,
                }
            )
        for loan in escalate.filtered("project_manager_id"):
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": loan.id,
                    "activity_type_id": activity_type.id,
                    "summary": _(
                        "Overdue since %(due)s: %(loan)s",
                        loan=loan.name,
                        due=loan.date_due,
                    ),
                    "user_id": loan.project_manager_id.id,
                    "date_deadline": today,
                }
            )
        if vals_list:
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True
            ).create(vals_list)
        remind.write({"reminded_on": today})
        escalate.write({"escalated_on": today})
