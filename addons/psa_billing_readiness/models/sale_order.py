from collections import defaultdict

from odoo import _, fields, models
from odoo.exceptions import UserError

BATCH_PARAM = "psa_billing_readiness.batch_size"

READINESS = [
    ("ready", "Ready to Bill"),
    ("blocked", "Blocked"),
    ("invoiced", "Invoiced"),
    ("nothing", "Nothing to Bill"),
]


class SaleOrder(models.Model):
    """One billing verdict per confirmed order, with its blockers in words
    and counted per kind; recomputed by the server action "Check billing
    readiness", nightly, and when time is validated or a milestone signed off."""

    _inherit = "sale.order"

    psa_readiness = fields.Selection(
        READINESS, string="Billing Readiness", readonly=True, copy=False, index=True
    )
    psa_blockers = fields.Text(string="Billing Blockers", readonly=True, copy=False)
    psa_blocked_hours = fields.Float(
        string="Hours Not Validated", readonly=True, copy=False
    )
    psa_blocked_milestones = fields.Integer(
        string="Milestones Not Signed Off", readonly=True, copy=False
    )
    psa_blocked_expenses = fields.Integer(
        string="Expenses Not Approved", readonly=True, copy=False
    )
    psa_blocked_changes = fields.Integer(
        string="Open Change Requests", readonly=True, copy=False
    )
    psa_change_request_ids = fields.One2many(
        "psa.change.request", "sale_order_id", string="Change Requests"
    )
    psa_change_request_count = fields.Integer(
        compute="_compute_psa_change_request_count"
    )
    psa_blocked_approvals = fields.Integer(
        string="Approvals Pending", readonly=True, copy=False
    )
    psa_blocked_customer = fields.Integer(
        string="Customer Data Missing", readonly=True, copy=False
    )
    psa_unbilled_from = fields.Date(
        string="Unbilled Work From",
        readonly=True,
        copy=False,
        help="The oldest day of billable time not invoiced yet: the start of "
        "the billing period.",
    )
    psa_cost = fields.Monetary(
        string="Cost to Date",
        readonly=True,
        copy=False,
        help="Cost of the time logged and the approved expenses, at the last "
        "readiness check.",
    )
    psa_margin_at_risk = fields.Boolean(
        string="Margin at Risk",
        readonly=True,
        copy=False,
        index=True,
        help="Cost to date is ahead of the order's untaxed value by more than "
        "the Settings margin.",
    )
    psa_blocked_overage = fields.Float(
        string="Overage Hours Not Approved",
        readonly=True,
        copy=False,
        help="Hours logged past a retainer's prepaid hours that no decided "
        "overage covers, at the last readiness check.",
    )
    psa_overage_count = fields.Integer(compute="_compute_psa_overage")
    psa_overage_unrequested = fields.Float(
        string="Overage Hours to Request",
        compute="_compute_psa_overage",
        help="Hours logged past the retainers' prepaid hours that no overage "
        "request covers yet.",
    )
    psa_readiness_checked_on = fields.Datetime(
        string="Verdict Changed On",
        readonly=True,
        copy=False,
        help="When the verdict or its blockers last changed. Checks rewrite "
        "only the orders whose verdict changed.",
    )
    psa_blocked_since = fields.Datetime(readonly=True, copy=False)
    psa_ready_since = fields.Datetime(readonly=True, copy=False)

    def _compute_psa_change_request_count(self):
        # sudo: a count, shown to salespeople who may not read the requests
        counts = dict(
            self.env["psa.change.request"]
            .sudo()
            ._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.psa_change_request_count = counts.get(order, 0)

    def _compute_psa_overage(self):
        # sudo: counts and hours, shown to whoever reads the order; an order
        # being created has none
        ids = self._origin.ids
        counts = defaultdict(int)
        unrequested = defaultdict(float)
        if ids:
            for order, count in (
                self.env["psa.retainer.overage"]
                .sudo()
                ._read_group([("order_id", "in", ids)], ["order_id"], ["__count"])
            ):
                counts[order.id] = count
            usage = self.env["psa.retainer"]._usage([("order_id", "in", ids)])
            for used in usage.values():
                unrequested[used.order_id] += used.unrequested
        for order in self:
            order.psa_overage_count = counts[order._origin.id]
            order.psa_overage_unrequested = unrequested[order._origin.id]

    def action_psa_view_overages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_billing_readiness.psa_retainer_overage_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        return action

    def action_psa_request_overage(self):
        """A new overage request for the order's first retainer line (by id)
        with hours no request covers, proposing those hours."""
        self.ensure_one()
        usage = self.env["psa.retainer"]._usage([("order_id", "=", self.id)])
        line_id = min(
            (line_id for line_id, used in usage.items() if used.unrequested),
            default=None,
        )
        if not line_id:
            raise UserError(
                _(
                    "%(order)s has no hours past its retainers' prepaid hours "
                    "left to request.",
                    order=self.name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Request Overage"),
            "res_model": "psa.retainer.overage",
            "view_mode": "form",
            "target": "current",
            "context": {"default_sale_line_id": line_id},
        }

    def action_psa_view_change_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_billing_readiness.psa_change_request_action"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {
            "default_sale_order_id": self.id,
            "default_project_id": self.order_line.project_id[:1].id,
        }
        return action

    def action_psa_check_readiness(self):
        """Server action "Check billing readiness" (list and form)."""
        self.check_access_rights("read")
        self.check_access_rule("read")
        self.env["psa.billing.readiness"]._check(self, exceptions=True)
        counts = {
            label: len(self.filtered(lambda o, key=key: o.psa_readiness == key))
            for key, label in READINESS
        }
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Billing readiness checked"),
                "message": ", ".join(
                    f"{label}: {n}" for label, n in counts.items() if n
                )
                or _("No confirmed order selected."),
                "type": "info",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _psa_refresh_readiness(self):
        """Recheck the orders of self that have a verdict already, after a
        change that may lift or add a blocker (validation, sign-off)."""
        checked = self.sudo().filtered("psa_readiness")
        if checked:
            self.env["psa.billing.readiness"]._check(checked, exceptions=True)

    def _cron_check_billing_readiness(self):
        """Nightly: every confirmed order, in claimed batches committed one by
        one; running twice, or on two workers at once, gives the same result.
        A batch costs the same queries whatever its size: its claim, the
        readiness statement, the statement writing what changed, and the ORM
        only for exceptions to open or close."""
        batch = self.env["psa.batch"]
        size = batch._param(BATCH_PARAM, 1000, int)
        readiness = self.env["psa.billing.readiness"]
        today = fields.Date.context_today(self)  # once: commits clear the cache
        for orders in batch._walk("sale.order", [("state", "=", "sale")], size):
            readiness._check(orders, cutoff=today, exceptions=True)

    def _psa_sync_exceptions(self, needs):
        """Open and close the billing-blocker and margin exceptions of self as
        ``needs`` says (see ``psa.billing.readiness._store``). Blocked for
        more than N days (Settings): an exception for the project manager,
        closed once the order is no longer blocked. Margin at risk: one for
        the project manager, finance following it, closed when it recovers."""
        orders = self.sudo()
        exceptions = self.env["psa.exception"]
        if needs.get("close_margin"):
            exceptions._close_exceptions(
                orders.browse(needs["close_margin"]),
                "margin_at_risk",
                _("The order's margin recovered."),
            )
        if needs.get("open_margin"):
            opened = exceptions._open_exceptions(
                orders.browse(needs["open_margin"]),
                "margin_at_risk",
                lambda o: _(
                    "%(order)s: cost to date %(cost)s is ahead of its value %(value)s",
                    order=o.name,
                    cost=round(o.psa_cost, 2),
                    value=round(o.amount_untaxed, 2),
                ),
                owner=lambda o: o.order_line.project_id.user_id[:1] or o.user_id,
            )
            finance = self.env.ref("account.group_account_manager").users
            if finance:
                opened.message_subscribe(partner_ids=finance.partner_id.ids)
        if needs.get("close_blocker"):
            exceptions._close_exceptions(
                orders.browse(needs["close_blocker"]),
                "billing_blocker",
                _("The order is no longer blocked for billing."),
            )
        if needs.get("open_blocker"):
            exceptions._open_exceptions(
                orders.browse(needs["open_blocker"]),
                "billing_blocker",
                lambda o: _(
                    "%(order)s cannot be billed: %(blockers)s",
                    order=o.name,
                    blockers=(o.psa_blockers or "").replace("\n", "; "),
                ),
                owner=lambda o: o.order_line.project_id.user_id[:1] or o.user_id,
            )

    def action_psa_view_blocker(self):
        """Open the records behind one kind of blocker (context psa_blocker)."""
        self.ensure_one()
        kind = self.env.context.get("psa_blocker")
        if kind == "time":
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "psa_billing_readiness.account_analytic_line_action_validation"
            )
            action["domain"] = [
                ("order_id", "=", self.id),
                ("psa_validated", "=", False),
                ("timesheet_invoice_id", "=", False),
            ]
            action["context"] = {"search_default_groupby_employee": 1}
            return action
        if kind == "milestone":
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "psa_billing_readiness.project_milestone_action_to_signoff"
            )
            action["domain"] = [
                ("sale_line_id.order_id", "=", self.id),
                ("is_reached", "=", True),
                ("psa_signed_off", "=", False),
            ]
            return action
        if kind == "change":
            return self.action_psa_view_change_requests()
        if kind == "overage":
            return self.action_psa_view_overages()
        if kind == "expense":
            return {
                "type": "ir.actions.act_window",
                "name": _("Expenses Not Approved"),
                "res_model": "hr.expense",
                "view_mode": "tree,form",
                "domain": [
                    ("sale_order_id", "=", self.id),
                    ("state", "in", ("draft", "reported", "submitted")),
                ],
            }
        return {
            "type": "ir.actions.act_window",
            "name": _("Customer"),
            "res_model": "res.partner",
            "res_id": self.partner_invoice_id.id,
            "view_mode": "form",
        }
