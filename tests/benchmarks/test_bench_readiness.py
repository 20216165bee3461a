"""Nightly billing readiness over many confirmed orders and their timesheets.

Generates ORDERS confirmed orders (ORM, then confirmed with SQL) over five
customers and LINES timesheet lines per order written with SQL day after day,
orders interleaved as they arrive (one line in five not validated, except
on every fifth order, which is ready), plus every other kind of blocker on a
few orders: reached milestones not signed off, expenses not approved, open
change requests, pending approvals, customers without invoice address or
VAT; a few orders cost more than they are worth (margin at risk). 2,000
orders and 40,000 lines in CI; PSA_BENCH_FULL=1 gives 10,000 orders and
500,000 lines. Prints:

- the blocker aggregation of all orders against ``RAW_ANSWER_SQL``, raw SQL
  answering the same question: every blocker kind, the billing period, the
  cost and the verdict (target <= 3x); both must give the same answer, order
  by order;
- the queries of one nightly batch (claim, check, writes, exceptions) of 100
  and of 1,000 orders, on a first night and on a usual one (asserted equal);
- the whole scheduled action (claims, verdicts, writes of what changed,
  exceptions) against the same raw answer (target <= 10x) on a usual night
  (2% of the orders' time validated since, 1% blocked past the Settings
  days), and the first night (every verdict written) beside it;
- the queries of the Ready to Bill worklist as the web client loads it
  (groups by customer, then period, the first group's rows, and the list
  ungrouped), asserted equal for all orders and a quarter of them (both
  fill the list's first page, so that the web client counts the rows).

Every time is the best of RUNS runs, raw and ours in turn. Asserts
correctness and query counts only, never times.
"""

import os
import time

from lxml import etree

from odoo import fields
from odoo.tests import TransactionCase
from odoo.tools.safe_eval import safe_eval

FULL = bool(os.environ.get("PSA_BENCH_FULL"))
ORDERS = 10_000 if FULL else 2_000
LINES = 50 if FULL else 20
CUSTOMERS = 5
RUNS = 5
NIGHTS = 3

# The whole question for each order, by hand: hours and lines of billable
# time not validated, the billing period's first day, the cost (time and
# approved expenses), reached milestones not signed off, expenses not
# approved, open change requests, records awaiting approval (the order and
# its draft invoices), missing customer data, and the verdict.
RAW_ANSWER_SQL = """
    WITH lines AS (
        SELECT order_id,
               count(*) FILTER (WHERE bill AND NOT validated) AS lines,
               sum(unit_amount) FILTER (WHERE bill AND NOT validated) AS hours,
               min(date) FILTER (WHERE bill) AS unbilled_from,
               -sum(amount) AS cost
          FROM (SELECT order_id, unit_amount, amount, date,
                       COALESCE(psa_validated, FALSE) AS validated,
                       so_line IS NOT NULL AND date <= CURRENT_DATE
                           AND timesheet_invoice_id IS NULL AS bill
                  FROM account_analytic_line
                 WHERE order_id IS NOT NULL AND project_id IS NOT NULL) a
      GROUP BY order_id
    ), milestones AS (
        SELECT sol.order_id, count(*) AS n
          FROM project_milestone pm
          JOIN sale_order_line sol ON sol.id = pm.sale_line_id
         WHERE pm.is_reached AND NOT COALESCE(pm.psa_signed_off, FALSE)
      GROUP BY sol.order_id
    ), expenses AS (
        SELECT sale_order_id AS order_id,
               count(*) FILTER (WHERE state IN ('draft', 'reported', 'submitted'))
                   AS n,
               sum(total_amount) FILTER (WHERE state IN ('approved', 'done'))
                   AS cost
          FROM hr_expense WHERE sale_order_id IS NOT NULL
      GROUP BY sale_order_id
    ), changes AS (
        SELECT sale_order_id AS order_id, count(*) AS n
          FROM psa_change_request
         WHERE approval_state IN ('draft', 'pending')
      GROUP BY sale_order_id
    ), pending AS (
        SELECT DISTINCT res_model, res_id FROM psa_approval_review
         WHERE state = 'pending'
    ), approvals AS (
        SELECT order_id, count(*) AS n
          FROM (SELECT res_id AS order_id FROM pending
                 WHERE res_model = 'sale.order'
                 UNION ALL
                SELECT DISTINCT sol.order_id
                  FROM pending p
                  JOIN account_move am ON am.id = p.res_id AND am.state = 'draft'
                  JOIN account_move_line aml ON aml.move_id = am.id
                  JOIN sale_order_line_invoice_rel rel
                    ON rel.invoice_line_id = aml.id
                  JOIN sale_order_line sol ON sol.id = rel.order_line_id
                 WHERE p.res_model = 'account.move') r
      GROUP BY order_id
    ), answer AS (
        SELECT so.id, so.invoice_status,
               COALESCE(l.hours, 0) AS hours, COALESCE(l.lines, 0) AS lines,
               l.unbilled_from,
               COALESCE(l.cost, 0) + COALESCE(e.cost, 0) AS cost,
               COALESCE(m.n, 0) AS milestones, COALESCE(e.n, 0) AS expenses,
               COALESCE(c.n, 0) AS changes, COALESCE(a.n, 0) AS approvals,
               (address.street IS NULL OR address.country_id IS NULL)::int
               + (so.payment_term_id IS NULL)::int
               + (COALESCE(fp.vat_required, FALSE)
                  AND COALESCE(commercial.vat, '') = '')::int AS customer,
               so.amount_untaxed
          FROM sale_order so
          JOIN res_partner address ON address.id = so.partner_invoice_id
          JOIN res_partner commercial
            ON commercial.id = COALESCE(address.commercial_partner_id, address.id)
     LEFT JOIN account_fiscal_position fp ON fp.id = so.fiscal_position_id
     LEFT JOIN lines l ON l.order_id = so.id
     LEFT JOIN milestones m ON m.order_id = so.id
     LEFT JOIN expenses e ON e.order_id = so.id
     LEFT JOIN changes c ON c.order_id = so.id
     LEFT JOIN approvals a ON a.order_id = so.id
         WHERE so.id = ANY(%s::int[]) AND so.state = 'sale'
    )
    SELECT id,
           CASE WHEN hours <> 0 OR milestones > 0 OR expenses > 0 OR changes > 0
                     OR approvals > 0 OR customer > 0 THEN 'blocked'
                WHEN invoice_status = 'to invoice' THEN 'ready'
                WHEN invoice_status = 'invoiced' THEN 'invoiced'
                ELSE 'nothing' END,
           CASE WHEN hours <> 0 THEN round(hours::numeric, 6) ELSE 0 END,
           unbilled_from, round(cost::numeric, 2), milestones, expenses, changes,
           approvals, customer, cost > amount_untaxed * 1.1
      FROM answer
"""

# The verdict's columns, reset before a first night.
VERDICT_COLUMNS = (
    "psa_readiness",
    "psa_blockers",
    "psa_blocked_hours",
    "psa_blocked_milestones",
    "psa_blocked_expenses",
    "psa_blocked_changes",
    "psa_blocked_approvals",
    "psa_blocked_customer",
    "psa_unbilled_from",
    "psa_cost",
    "psa_margin_at_risk",
    "psa_readiness_checked_on",
    "psa_blocked_since",
    "psa_ready_since",
)


def confirm_with_sql(orders):
    """Confirm ``orders`` with SQL: the benchmarks measure billing, not sales."""
    orders.env.flush_all()
    orders.env.cr.execute(
        "UPDATE sale_order SET state = 'sale' WHERE id = ANY(%s)", [orders.ids]
    )
    orders.env.cr.execute(
        "UPDATE sale_order_line SET state = 'sale' WHERE order_id = ANY(%s)",
        [orders.ids],
    )


def best_of(func, runs=RUNS, before=None):
    """The best time of ``runs`` calls of ``func`` (each after ``before``,
    untimed), and its last result."""
    best, result = None, None
    for run in range(runs):
        if before:
            before(run)
        began = time.perf_counter()
        result = func()
        seconds = time.perf_counter() - began
        best = seconds if best is None else min(best, seconds)
    return best, result


def in_turn(*funcs, runs=RUNS):
    """The best times of ``funcs`` called in turn ``runs`` times (so that a
    slow moment of the machine does not weigh on one of them only), and
    their last results."""
    best = [None] * len(funcs)
    results = [None] * len(funcs)
    for _run in range(runs):
        for index, func in enumerate(funcs):
            began = time.perf_counter()
            results[index] = func()
            seconds = time.perf_counter() - began
            if best[index] is None or seconds < best[index]:
                best[index] = seconds
    return best, results


class TestBenchReadiness(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        began = time.perf_counter()
        cls._generate()
        cls.generate_seconds = time.perf_counter() - began

    @classmethod
    def _generate(cls):
        env = cls.env
        country = env.ref("base.be")
        customers = env["res.partner"].create(
            [
                {
                    "name": f"Bench customer {i}",
                    "street": "1 Bench St",
                    "country_id": country.id,
                }
                for i in range(CUSTOMERS)
            ]
        )
        cls.no_address = env["res.partner"].create({"name": "Bench no address"})
        cls.vat_position = env["account.fiscal.position"].create(
            {"name": "Bench intra-EU", "vat_required": True}
        )
        product = env["product.product"].create(
            {
                "name": "Bench consulting hour",
                "type": "service",
                "invoice_policy": "delivery",
                "service_type": "timesheet",
                "service_tracking": "no",
                "list_price": 100,
            }
        )
        terms = env.ref("account.account_payment_term_30days")
        project = env["project.project"].create(
            {"name": "Bench project", "allow_timesheets": True}
        )
        employee = env["hr.employee"].create({"name": "Bench consultant"})
        orders = env["sale.order"]
        for start in range(0, ORDERS, 1_000):
            orders |= env["sale.order"].create(
                [
                    {
                        "partner_id": customers[i % CUSTOMERS].id,
                        "payment_term_id": terms.id,
                        "order_line": [
                            (
                                0,
                                0,
                                {
                                    "product_id": product.id,
                                    "product_uom_qty": 2 * LINES,
                                },
                            )
                        ],
                    }
                    for i in range(start, min(start + 1_000, ORDERS))
                ]
            )
        confirm_with_sql(orders)
        cr = env.cr
        params = {
            "company": env.company.id,
            "currency": env.company.currency_id.id,
            "account": project.analytic_account_id.id,
            "project": project.id,
            "employee": employee.id,
            "lines": LINES,
            "orders": orders.ids,
            "no_address": cls.no_address.id,
            "position": cls.vat_position.id,
        }
        # rank: the order's place in the bench (0, 1, ...) decides its blockers
        ranked = """
            WITH ranked AS (
                SELECT o.id, (o.rank - 1)::int AS rank, sol.id AS line_id
                  FROM unnest(%(orders)s::int[]) WITH ORDINALITY AS o(id, rank)
                  JOIN sale_order_line sol ON sol.order_id = o.id
            )
        """
        # every fifth order is all validated and to invoice (ready); a few
        # cost 1,000 an hour, more than they are worth (margin at risk)
        cr.execute(
            ranked
            + """
            INSERT INTO account_analytic_line (name, date, amount, unit_amount,
                   company_id, account_id, project_id, employee_id, so_line,
                   order_id, psa_validated, create_date, write_date)
            SELECT 'Bench work', CURRENT_DATE - (n %% 30),
                   CASE WHEN r.rank %% 200 = 3 THEN -1000 ELSE -50 END, 1,
                   %(company)s, %(account)s, %(project)s, %(employee)s,
                   r.line_id, r.id, r.rank %% 5 = 0 OR n %% 5 <> 0, now(), now()
              FROM ranked r
        CROSS JOIN generate_series(1, %(lines)s) n
          ORDER BY n %% 30 DESC, random()
            """,
            params,
        )
        cr.execute(
            ranked
            + """
            , facts AS (
                UPDATE sale_order so
                   SET invoice_status = CASE WHEN r.rank %% 5 = 0
                                             THEN 'to invoice' ELSE 'no' END,
                       partner_invoice_id = CASE WHEN r.rank %% 50 = 7
                           THEN %(no_address)s ELSE so.partner_invoice_id END,
                       fiscal_position_id = CASE WHEN r.rank %% 100 = 13
                           THEN %(position)s END
                  FROM ranked r WHERE so.id = r.id
            ), milestones AS (
                INSERT INTO project_milestone (name, project_id, sale_line_id,
                       is_reached, psa_signed_off, create_date, write_date)
                SELECT 'Bench milestone ' || r.rank, %(project)s, r.line_id, TRUE,
                       r.rank %% 50 = 12, now(), now()
                  FROM ranked r WHERE r.rank %% 50 IN (11, 12)
            ), expenses AS (
                INSERT INTO hr_expense (name, employee_id, company_id, currency_id,
                       quantity, price_unit, total_amount, total_amount_currency,
                       sale_order_id, state, create_date, write_date)
                SELECT 'Bench expense', %(employee)s, %(company)s, %(currency)s, 1,
                       100, 100, 100, r.id,
                       CASE WHEN r.rank %% 100 = 21 THEN 'reported' ELSE 'approved' END,
                       now(), now()
                  FROM ranked r WHERE r.rank %% 100 IN (21, 22)
            ), changes AS (
                INSERT INTO psa_change_request (name, project_id, sale_order_id,
                       approval_state, change_type, description, justification,
                       create_date, write_date)
                SELECT 'Bench change ' || r.rank, %(project)s, r.id,
                       CASE WHEN r.rank %% 100 = 31 THEN 'pending' ELSE 'approved' END,
                       'scope', 'More scope', 'Asked by the client', now(), now()
                  FROM ranked r WHERE r.rank %% 100 IN (31, 32)
            )
            INSERT INTO psa_approval_review (res_model, res_id, name, state,
                   create_date, write_date)
            SELECT 'sale.order', r.id, 'Bench step',
                   CASE WHEN r.rank %% 100 = 41 THEN 'pending' ELSE 'approved' END,
                   now(), now()
              FROM ranked r WHERE r.rank %% 100 IN (41, 42)
            """,
            params,
        )
        cr.execute(
            "ANALYZE account_analytic_line, sale_order, project_milestone,"
            " hr_expense, psa_change_request, psa_approval_review"
        )
        env.invalidate_all()
        cls.orders = orders
        cls.ids = "{%s}" % ",".join(map(str, orders.ids))

    # ---------------------------------------------------------------- helpers
    def _queries(self, func):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def _raw_answer(self):
        self.env.cr.execute(RAW_ANSWER_SQL, [self.ids])
        return self.env.cr.fetchall()

    def _aggregate(self):
        self.env.invalidate_all()
        readiness = self.env["psa.billing.readiness"]
        return readiness._find_blockers(
            self.orders, fields.Date.context_today(readiness)
        )

    def _reset(self, _run=None):
        """Before a first night: no verdict, no exception."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order SET "
            + ", ".join(f"{column} = NULL" for column in VERDICT_COLUMNS)
            + " WHERE id = ANY(%s::int[])",
            [self.ids],
        )
        self.env.cr.execute(
            "DELETE FROM psa_exception WHERE res_model = 'sale.order'"
            " AND res_id = ANY(%s::int[])",
            [self.ids],
        )
        self.env.invalidate_all()

    def _next_day(self, run):
        """Before a usual night: the time of 2% of the orders validated since
        the last, and 1% of them blocked for longer than the Settings days;
        other orders each night."""
        blocked = self.orders[run + 6 :: 100]
        validated = self.orders[run + 1 :: 50]
        self.env.flush_all()
        # what the night rewrites shows as a later date
        self.env.cr.execute(
            "UPDATE sale_order SET psa_readiness_checked_on = '2000-01-01'"
            " WHERE id = ANY(%s::int[])",
            [self.ids],
        )
        self.env.cr.execute(
            "UPDATE account_analytic_line SET psa_validated = TRUE"
            " WHERE order_id = ANY(%s) AND NOT psa_validated",
            [validated.ids],
        )
        self.env.cr.execute(
            "UPDATE sale_order SET psa_blocked_since = now() - interval '10 days'"
            " WHERE id = ANY(%s) AND psa_readiness = 'blocked'",
            [blocked.ids],
        )
        self.env.invalidate_all()

    def _night(self):
        self.env.invalidate_all()
        self.cr.execute("SELECT count(*) FROM psa_exception")
        exceptions_before = self.cr.fetchone()[0]
        before = self.cr.sql_log_count
        self.env["sale.order"]._cron_check_billing_readiness()
        queries = self.cr.sql_log_count - before
        self.env.flush_all()
        self.cr.execute("SELECT count(*) FROM psa_exception")
        return queries, self.cr.fetchone()[0] - exceptions_before

    def _batch_queries(self, orders, first):
        """The queries of one nightly batch of ``orders``: claim, check,
        writes, exceptions."""
        if first:
            self._reset()
        batch = self.env["psa.batch"]
        readiness = self.env["psa.billing.readiness"]
        today = fields.Date.context_today(readiness)  # the cron's, once a run

        def one_batch():
            claimed = batch._claim(
                "sale.order", [("id", "in", orders.ids)], 0, len(orders)
            )
            readiness._check(claimed, cutoff=today, exceptions=True)
            self.assertEqual(len(claimed), len(orders))

        return self._queries(one_batch)

    def _worklist_queries(self, orders):
        """What the web client asks to open Ready to Bill over ``orders``:
        groups by customer with the list's sums, the first customer's groups
        by period, the first period's rows; then the list ungrouped."""
        Order = self.env["sale.order"]
        action = self.env.ref("psa_billing_readiness.sale_order_action_ready_to_bill")
        domain = safe_eval(action.domain) + [("id", "in", orders.ids)]
        view = self.env.ref("psa_billing_readiness.sale_order_view_tree_ready_to_bill")
        columns = etree.fromstring(Order.get_view(view.id, "list")["arch"]).iter(
            "field"
        )
        columns = [(column.get("name"), column.get("sum")) for column in columns]
        names = [name for name, _sum in columns]
        spec = {
            name: {"fields": {"display_name": {}}}
            if Order._fields[name].type == "many2one"
            else {}
            for name in names
        }
        sums = [f"{name}:sum" for name, total in columns if total]

        def load():
            customers = Order.web_read_group(domain, sums, ["partner_id"], lazy=True)
            first = customers["groups"][0]["__domain"]
            periods = Order.web_read_group(
                first, sums, ["psa_unbilled_from:month"], lazy=True
            )
            Order.web_search_read(
                periods["groups"][0]["__domain"], spec, limit=80, count_limit=10001
            )
            Order.web_search_read(domain, spec, limit=80, count_limit=10001)

        return self._queries(load)

    # ------------------------------------------------------------------ bench
    def test_readiness_against_raw_sql(self):
        (raw_seconds, aggregate_seconds), (raw, found) = in_turn(
            self._raw_answer, self._aggregate
        )
        # the oracle: the same answer, order by order
        self.assertEqual(len(raw), ORDERS)
        kinds = ("milestone", "expense", "change", "approval", "customer")
        ours = {
            order_id: (
                info["state"],
                round(info["time"], 6),
                info["unbilled_from"],
                round(info["cost"], 2),
                *(info[kind] for kind in kinds),
                info["at_risk"],
            )
            for order_id, info in found.items()
        }
        theirs = {
            order_id: (state, float(hours), day, float(cost), *counts)
            for order_id, state, hours, day, cost, *counts in raw
        }
        self.assertEqual(ours, theirs, "the aggregation and the raw answer agree")
        verdicts = {}
        for state, *_rest in theirs.values():
            verdicts[state] = verdicts.get(state, 0) + 1
        blocked_by = {
            kind: sum(1 for info in found.values() if info[kind])
            for kind in ("time", *kinds)
        }
        self.assertTrue(all(blocked_by.values()), f"every kind blocks: {blocked_by}")

        # warm the caches (defaults, XML ids, followers' subtypes)
        self._batch_queries(self.orders[-300:], first=True)
        self._worklist_queries(self.orders[-300:])
        per_batch = {
            (first, n): self._batch_queries(self.orders[:n], first)
            for first in (True, False)
            for n in (100, 1_000)
        }
        for first in (True, False):
            self.assertEqual(per_batch[first, 100], per_batch[first, 1_000], per_batch)

        # the first night, untimed: the verdicts the usual nights start from
        self._reset()
        self._night()
        cr = self.env.cr
        cr.execute(
            "SELECT psa_readiness, count(*) FROM sale_order WHERE id = ANY(%s::int[])"
            " GROUP BY psa_readiness",
            [self.ids],
        )
        self.assertEqual(dict(cr.fetchall()), verdicts, "the nightly verdicts")
        usual_seconds, (usual_queries, usual_opened) = best_of(
            self._night, runs=NIGHTS, before=self._next_day
        )
        self.assertTrue(usual_opened, "a usual night opens billing-blocker exceptions")
        cr.execute(
            "SELECT count(*) FROM sale_order WHERE id = ANY(%s::int[])"
            " AND psa_readiness_checked_on > '2000-01-01'",
            [self.ids],
        )
        rewritten_last = cr.fetchone()[0]
        self.assertLess(rewritten_last, ORDERS / 10, "only what changed is written")
        first_seconds, (first_queries, first_opened) = best_of(
            self._night, runs=NIGHTS, before=self._reset
        )

        worklist = [
            self._worklist_queries(self.orders[:n]) for n in (ORDERS // 4, ORDERS)
        ]
        self.assertEqual(worklist[0], worklist[1], worklist)

        size = self.env["psa.batch"]._param(
            "psa_billing_readiness.batch_size", 1000, int
        )
        print(
            f"\n[bench readiness] {ORDERS} orders, {ORDERS * LINES} timesheet lines,"
            f" generated in {self.generate_seconds:.1f}s"
            + ("" if FULL else " (CI size; PSA_BENCH_FULL=1 for 10,000 and 500,000)")
            + f"\n  verdicts: {verdicts}; orders blocked per kind: {blocked_by}"
            f"\n  queries per nightly batch (claim, check, writes, exceptions):"
            f" first night 100 orders {per_batch[True, 100]},"
            f" 1,000 orders {per_batch[True, 1_000]};"
            f" usual night {per_batch[False, 100]} and {per_batch[False, 1_000]}"
            f"\n  blocker aggregation {aggregate_seconds:.3f}s, raw SQL answering"
            f" the same question {raw_seconds:.3f}s:"
            f" {aggregate_seconds / raw_seconds:.1f}x (target <= 3x)"
            f"\n  whole scheduled action, usual night {usual_seconds:.3f}s:"
            f" {usual_seconds / raw_seconds:.1f}x the raw answer (target <= 10x);"
            f" {usual_queries} queries in batches of {size},"
            f" {rewritten_last} orders rewritten, {usual_opened} exceptions opened"
            f"\n  first night (every verdict written) {first_seconds:.3f}s:"
            f" {first_seconds / raw_seconds:.1f}x; {first_queries} queries,"
            f" {first_opened} exceptions opened"
            f"\n  Ready to Bill as the web client opens it: {worklist[1]} queries"
            f" for {ORDERS} orders ({worklist[0]} for {ORDERS // 4})"
        )


# Drafting from Ready to Bill: invoices per click, and sale lines per order.
DRAFT_SIZES = [(20, 1), (20, 10), (200, 1), (200, 10)]


class TestBenchDrafting(TransactionCase):
    """Create Draft Invoices for 20 and 200 ready orders of 1 and 10 lines
    (validated time on a project): prints the queries per invoice and asserts
    they do not grow with the lines of an order, nor with the invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        env = cls.env
        cls.customer = env["res.partner"].create(
            {
                "name": "Bench drafting customer",
                "street": "1 Bench Street",
                "country_id": env.ref("base.be").id,
            }
        )
        cls.product = env["product.product"].create(
            {
                "name": "Bench drafting hour",
                "type": "service",
                "uom_id": env.ref("uom.product_uom_hour").id,
                "uom_po_id": env.ref("uom.product_uom_hour").id,
                "invoice_policy": "delivery",
                "service_type": "timesheet",
                "service_tracking": "project_only",
                "list_price": 100,
            }
        )
        cls.project = env["project.project"].create(
            {"name": "Bench drafting project", "allow_timesheets": True}
        )
        cls.employee = env["hr.employee"].create({"name": "Bench drafter"})
        cls.finance = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Bench finance",
                    "login": "psa_bench_drafting_finance",
                    "groups_id": [
                        (
                            6,
                            0,
                            [
                                env.ref("base.group_user").id,
                                env.ref("account.group_account_invoice").id,
                                env.ref("sales_team.group_sale_salesman_all_leads").id,
                            ],
                        )
                    ],
                }
            )
        )
        cls.warm = cls._ready_orders(2, 1) | cls._ready_orders(2, 10)
        cls.batches = {size: cls._ready_orders(*size) for size in DRAFT_SIZES}

    @classmethod
    def _ready_orders(cls, count, lines):
        """``count`` confirmed orders of ``lines`` timesheet lines each, with
        validated time on every line (confirmed and logged with SQL)."""
        env = cls.env
        terms = env.ref("account.account_payment_term_30days")
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": cls.customer.id,
                    "payment_term_id": terms.id,
                    "order_line": [
                        (0, 0, {"product_id": cls.product.id, "product_uom_qty": 10})
                        for _line in range(lines)
                    ],
                }
                for _order in range(count)
            ]
        )
        confirm_with_sql(orders)
        cr = env.cr
        # as confirming links a project-tracked line to its project
        cr.execute(
            "UPDATE sale_order_line SET project_id = %s WHERE order_id = ANY(%s)",
            [cls.project.id, orders.ids],
        )
        cr.execute(
            """INSERT INTO account_analytic_line (name, date, amount, unit_amount,
                   company_id, account_id, project_id, employee_id, so_line,
                   order_id, product_uom_id, psa_validated, create_date,
                   write_date)
               SELECT 'Bench work', CURRENT_DATE - 1, 0, 2, %(company)s,
                      %(account)s, %(project)s, %(employee)s, sol.id,
                      sol.order_id, %(hour)s, TRUE, now(), now()
                 FROM sale_order_line sol
                WHERE sol.order_id = ANY(%(orders)s)""",
            {
                "company": env.company.id,
                "account": cls.project.analytic_account_id.id,
                "project": cls.project.id,
                "employee": cls.employee.id,
                "hour": env.ref("uom.product_uom_hour").id,
                "orders": orders.ids,
            },
        )
        env.invalidate_all()
        # what the time delivered, as if it had been logged with the ORM
        lines = orders.order_line
        env.add_to_compute(lines._fields["qty_delivered"], lines)
        lines.modified(["qty_delivered"])
        env.flush_all()
        return orders

    def _draft(self, orders):
        """The click: the wizard of Ready to Bill on ``orders``, cutoff today."""
        wizard = (
            self.env["psa.billing.draft.wizard"]
            .with_user(self.finance)
            .with_context(active_model="sale.order", active_ids=orders.ids)
            .create({})
        )
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        action = wizard.action_create_drafts()
        self.env.flush_all()
        queries = self.cr.sql_log_count - before
        return queries, self.env["account.move"].search(action["domain"])

    def test_drafting_queries_per_invoice(self):
        self._draft(self.warm)  # warm the caches
        per_invoice = {}
        for (count, lines), orders in self.batches.items():
            queries, moves = self._draft(orders)
            self.assertEqual(len(moves), count, "one draft per order")
            self.assertEqual(
                set(moves.mapped(lambda m: len(m.invoice_line_ids))), {lines}
            )
            self.assertEqual(set(moves.mapped("amount_untaxed")), {lines * 2 * 100.0})
            per_invoice[count, lines] = queries / count
        print(
            "\n[bench drafting] Create Draft Invoices, queries per invoice:"
            + "".join(
                f"\n  {n} invoices of {k} line(s): {per_invoice[n, k]:.1f}"
                for n, k in DRAFT_SIZES
            )
        )
        for count in {count for count, _lines in DRAFT_SIZES}:
            # nine more lines per invoice: no query more per invoice (a query
            # per line would add 9); what remains is the ORM's INSERT of the
            # move lines, in batches of 100 rows
            self.assertLess(
                per_invoice[count, 10] - per_invoice[count, 1],
                1,
                f"no query per line ({count} invoices): {per_invoice}",
            )
        for lines in (1, 10):
            self.assertLessEqual(per_invoice[200, lines], per_invoice[20, lines])
