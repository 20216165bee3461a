from collections import defaultdict

from odoo import _, api, fields, models
from odoo.tools import SQL

MARGIN_PARAM = "psa_billing_readiness.margin_risk_percent"
BLOCKER_KINDS = (
    "time",
    "milestone",
    "expense",
    "change",
    "approval",
    "customer",
    "overage",
)


class PsaBillingReadiness(models.AbstractModel):
    """The billing verdict of sale orders and its blockers, for a batch of
    orders in a constant number of queries: one aggregate per kind of
    blocker, one read of the customers, one UPDATE."""

    _name = "psa.billing.readiness"
    _description = "Billing Readiness Check"

    @api.model
    def _check(self, orders, cutoff=None):
        """Compute and store the verdict of ``orders`` (confirmed orders; the
        others get none) with the blockers of the period up to ``cutoff``
        (default: today)."""
        cutoff = cutoff or fields.Date.context_today(self)
        orders = orders.sudo()
        confirmed = orders.filtered(lambda o: o.state == "sale")
        found = self._find_blockers(confirmed, cutoff)
        costs = self._costs(confirmed)
        risk_factor = 1 + self.env["psa.batch"]._param(MARGIN_PARAM, 10.0) / 100
        now = fields.Datetime.now()
        rows = []
        for order in orders:
            if order not in confirmed:
                rows.append(
                    (order.id, None, None, 0.0, 0, 0, 0, 0, 0, None, 0.0, False, 0.0)
                )
                continue
            info = found[order.id]
            words = info["words"]
            if words:
                state = "blocked"
            elif order.invoice_status == "to invoice":
                state = "ready"
            elif order.invoice_status == "invoiced":
                state = "invoiced"
            else:
                state = "nothing"
            rows.append(
                (
                    order.id,
                    state,
                    "\n".join(words) or None,
                    info["time"],
                    info["milestone"],
                    info["expense"],
                    info["change"],
                    info["approval"],
                    info["customer"],
                    info["unbilled_from"],
                    costs.get(order.id, 0.0),
                    costs.get(order.id, 0.0) > order.amount_untaxed * risk_factor,
                    info["overage"],
                )
            )
        self._store(orders, rows, now)
        return found

    @api.model
    def _store(self, orders, rows, now):
        if not rows:
            return
        values = SQL(", ").join(
            SQL(
                "(%s, %s::varchar, %s::text, %s::numeric, %s::int, %s::int,"
                " %s::int, %s::int, %s::int, %s::date, %s::numeric, %s::bool,"
                " %s::numeric)",
                *row,
            )
            for row in rows
        )
        # the dates a state started are kept while the state lasts
        self.env.cr.execute(
            SQL(
                """
                UPDATE sale_order AS so
                   SET psa_readiness = v.state,
                       psa_blockers = v.words,
                       psa_blocked_hours = v.hours,
                       psa_blocked_milestones = v.milestones,
                       psa_blocked_expenses = v.expenses,
                       psa_blocked_changes = v.changes,
                       psa_blocked_approvals = v.approvals,
                       psa_blocked_customer = v.customer,
                       psa_unbilled_from = v.unbilled_from,
                       psa_cost = v.cost,
                       psa_margin_at_risk = v.at_risk,
                       psa_blocked_overage = v.overage,
                       psa_readiness_checked_on = %(now)s,
                       psa_blocked_since = CASE WHEN v.state = 'blocked'
                           THEN COALESCE(so.psa_blocked_since, %(now)s) END,
                       psa_ready_since = CASE WHEN v.state = 'ready'
                           THEN COALESCE(so.psa_ready_since, %(now)s) END
                  FROM (VALUES %(values)s) AS v(id, state, words, hours, milestones,
                       expenses, changes, approvals, customer, unbilled_from,
                       cost, at_risk, overage)
                 WHERE so.id = v.id
                """,
                now=now,
                values=values,
            )
        )
        orders.invalidate_recordset(
            [name for name in orders._fields if name.startswith("psa_")]
        )

    @api.model
    def _costs(self, orders):
        """{order id: cost of its time and approved expenses}, in two
        aggregates (timesheet amounts are negative costs)."""
        if not orders:
            return {}
        costs = defaultdict(float)
        for order, amount in (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group(
                [("order_id", "in", orders.ids), ("project_id", "!=", False)],
                ["order_id"],
                ["amount:sum"],
            )
        ):
            costs[order.id] -= amount
        for order, amount in (
            self.env["hr.expense"]
            .sudo()
            ._read_group(
                [
                    ("sale_order_id", "in", orders.ids),
                    ("state", "in", ("approved", "done")),
                ],
                ["sale_order_id"],
                ["total_amount:sum"],
            )
        ):
            costs[order.id] += amount
        return costs

    # -------------------------------------------------------------- blockers
    @api.model
    def _find_blockers(self, orders, cutoff):
        """{order id: {kind: count, "words": [...], "unbilled_from": date}}."""
        found = defaultdict(
            lambda: {
                **dict.fromkeys(BLOCKER_KINDS, 0),
                "words": [],
                "unbilled_from": None,
            }
        )
        if not orders:
            return found
        self.env.flush_all()  # some kinds are read with SQL
        self._time_blockers(orders, cutoff, found)
        self._milestone_blockers(orders, found)
        self._expense_blockers(orders, found)
        self._change_blockers(orders, found)
        self._approval_blockers(orders, found)
        self._customer_blockers(orders, found)
        self.env["psa.retainer"]._overage_blockers(orders, found)
        return found

    @api.model
    def _time_blockers(self, orders, cutoff, found):
        """Billable time of the period not invoiced: what is not validated
        blocks; the oldest day of it opens the order's billing period."""
        groups = (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group(
                [
                    ("order_id", "in", orders.ids),
                    ("project_id", "!=", False),
                    ("so_line", "!=", False),
                    ("date", "<=", cutoff),
                    ("timesheet_invoice_id", "=", False),
                ],
                ["order_id", "psa_validated"],
                ["unit_amount:sum", "__count", "date:min"],
            )
        )
        for order, validated, hours, count, first_day in groups:
            info = found[order.id]
            if not info["unbilled_from"] or first_day < info["unbilled_from"]:
                info["unbilled_from"] = first_day
            if not validated and hours:
                info["time"] = hours
                info["words"].append(
                    _(
                        "%(hours)s h of time not validated (%(count)s lines)",
                        hours=round(hours, 2),
                        count=count,
                    )
                )

    @api.model
    def _milestone_blockers(self, orders, found):
        groups = (
            self.env["project.milestone"]
            .sudo()
            ._read_group(
                [
                    ("sale_line_id.order_id", "in", orders.ids),
                    ("is_reached", "=", True),
                    ("psa_signed_off", "=", False),
                ],
                ["sale_line_id"],
                ["name:array_agg"],
            )
        )
        per_order = defaultdict(list)
        for line, names in groups:
            per_order[line.order_id.id].extend(names)
        for order_id, names in per_order.items():
            found[order_id]["milestone"] = len(names)
            found[order_id]["words"].append(
                _(
                    "%(count)s reached milestones not signed off by the client: "
                    "%(names)s",
                    count=len(names),
                    names=", ".join(sorted(names)),
                )
            )

    @api.model
    def _expense_blockers(self, orders, found):
        groups = (
            self.env["hr.expense"]
            .sudo()
            ._read_group(
                [
                    ("sale_order_id", "in", orders.ids),
                    ("state", "in", ("draft", "reported", "submitted")),
                ],
                ["sale_order_id"],
                ["__count", "total_amount_currency:sum"],
            )
        )
        for order, count, _amount in groups:
            found[order.id]["expense"] = count
            found[order.id]["words"].append(
                _("%(count)s re-invoiceable expenses not approved", count=count)
            )

    @api.model
    def _change_blockers(self, orders, found):
        """Change requests not decided yet: the work they cover is not agreed."""
        groups = (
            self.env["psa.change.request"]
            .sudo()
            ._read_group(
                [
                    ("sale_order_id", "in", orders.ids),
                    ("approval_state", "in", ("draft", "pending")),
                ],
                ["sale_order_id"],
                ["name:array_agg"],
            )
        )
        for order, names in groups:
            found[order.id]["change"] = len(names)
            found[order.id]["words"].append(
                _(
                    "%(count)s open change requests: %(names)s",
                    count=len(names),
                    names=", ".join(sorted(names)),
                )
            )

    @api.model
    def _approval_blockers(self, orders, found):
        """Pending approvals on the order and its invoices."""
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT aml.move_id, sol.order_id
                  FROM sale_order_line_invoice_rel rel
                  JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                  JOIN account_move am ON am.id = aml.move_id
                  JOIN sale_order_line sol ON sol.id = rel.order_line_id
                 WHERE sol.order_id IN %s AND am.state = 'draft'
                """,
                tuple(orders.ids),
            )
        )
        order_of_move = dict(self.env.cr.fetchall())
        domain = [
            ("state", "=", "pending"),
            "|",
            "&",
            ("res_model", "=", "sale.order"),
            ("res_id", "in", orders.ids),
            "&",
            ("res_model", "=", "account.move"),
            ("res_id", "in", list(order_of_move)),
        ]
        groups = (
            self.env["psa.approval.review"]
            .sudo()
            ._read_group(domain, ["res_model", "res_id"], ["__count"])
        )
        per_order = defaultdict(int)
        for res_model, res_id, _count in groups:
            order_id = res_id if res_model == "sale.order" else order_of_move[res_id]
            per_order[order_id] += 1
        for order_id, count in per_order.items():
            found[order_id]["approval"] = count
            found[order_id]["words"].append(
                _("%(count)s approvals pending", count=count)
            )

    @api.model
    def _customer_blockers(self, orders, found):
        """Invoice address, payment terms, VAT where the fiscal position
        requires it: one query for the batch."""
        self.env.cr.execute(
            SQL(
                """
                SELECT so.id,
                       address.street IS NULL OR address.country_id IS NULL,
                       so.payment_term_id IS NULL,
                       COALESCE(fp.vat_required, FALSE)
                           AND COALESCE(commercial.vat, '') = '',
                       COALESCE(fp.name->>%s, fp.name->>'en_US')
                  FROM sale_order so
                  JOIN res_partner address ON address.id = so.partner_invoice_id
                  JOIN res_partner commercial
                    ON commercial.id = COALESCE(address.commercial_partner_id,
                                                address.id)
             LEFT JOIN account_fiscal_position fp ON fp.id = so.fiscal_position_id
                 WHERE so.id IN %s
                """,
                self.env.lang or "en_US",
                tuple(orders.ids),
            )
        )
        for order_id, no_address, no_terms, no_vat, position in self.env.cr.fetchall():
            missing = []
            if no_address:
                missing.append(_("invoice address (street and country)"))
            if no_terms:
                missing.append(_("payment terms"))
            if no_vat:
                missing.append(
                    _(
                        "VAT number (fiscal position %(name)s requires it)",
                        name=position,
                    )
                )
            if missing:
                found[order_id]["customer"] = len(missing)
                found[order_id]["words"].append(
                    _(
                        "Customer data missing: %(what)s",
                        what=", ".join(missing),
                    )
                )
