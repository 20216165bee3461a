"""Nightly billing readiness over many confirmed orders and their timesheets.

Generates ORDERS confirmed orders (ORM, one time line each, then confirmed
with SQL) and LINES timesheet lines per order written with SQL (one in five
not validated, over the last 30 days): 1,000 orders and 20,000 lines by
default; PSA_BENCH_FULL=1 gives 10,000 orders and 500,000 lines. Every time
is the best of three runs. Prints:

- the queries of one readiness batch of 100 and of 1,000 orders (asserted
  equal);
- the blocker aggregation of all orders against ``RAW_ANSWER_SQL``, raw SQL
  answering the same question (target <= 3x);
- the whole scheduled action (claims, verdicts, UPDATE, exceptions) against
  the same raw answer (target <= 10x);
- the queries of the Ready to Bill worklist grouped by customer and period
  (asserted equal for all orders and for a tenth of them).

Asserts correctness and query counts only, never times.
"""

import os
import time

from odoo import fields
from odoo.tests import TransactionCase

FULL = bool(os.environ.get("PSA_BENCH_FULL"))
ORDERS = 10_000 if FULL else 1_000
LINES = 50 if FULL else 20
RUNS = 3

# Per order: hours not validated and lines, reached milestones not signed
# off, expenses not approved, open change requests.
RAW_ANSWER_SQL = """
    SELECT so.id,
           t.hours, t.lines, m.milestones, e.expenses, c.changes
      FROM sale_order so
      LEFT JOIN (SELECT order_id, SUM(unit_amount) AS hours, COUNT(*) AS lines
                   FROM account_analytic_line
                  WHERE order_id IS NOT NULL AND project_id IS NOT NULL
                    AND so_line IS NOT NULL AND date <= CURRENT_DATE
                    AND timesheet_invoice_id IS NULL AND NOT psa_validated
                  GROUP BY order_id) t ON t.order_id = so.id
      LEFT JOIN (SELECT sol.order_id, COUNT(*) AS milestones
                   FROM project_milestone pm
                   JOIN sale_order_line sol ON sol.id = pm.sale_line_id
                  WHERE pm.is_reached AND NOT COALESCE(pm.psa_signed_off, FALSE)
                  GROUP BY sol.order_id) m ON m.order_id = so.id
      LEFT JOIN (SELECT sale_order_id, COUNT(*) AS expenses
                   FROM hr_expense
                  WHERE state IN ('draft', 'reported', 'submitted')
                  GROUP BY sale_order_id) e ON e.sale_order_id = so.id
      LEFT JOIN (SELECT sale_order_id, COUNT(*) AS changes
                   FROM psa_change_request
                  WHERE approval_state IN ('draft', 'pending')
                  GROUP BY sale_order_id) c ON c.sale_order_id = so.id
     WHERE so.id = ANY(%s)
"""


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


def best_of(func, runs=RUNS):
    """The best time of ``runs`` calls of ``func``, and its last result."""
    best, result = None, None
    for _run in range(runs):
        began = time.perf_counter()
        result = func()
        seconds = time.perf_counter() - began
        best = seconds if best is None else min(best, seconds)
    return best, result


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
        customer = env["res.partner"].create(
            {
                "name": "Bench customer",
                "street": "1 Bench Street",
                "country_id": env.ref("base.be").id,
            }
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
                        "partner_id": customer.id,
                        "payment_term_id": terms.id,
                        "order_line": [(0, 0, {"product_id": product.id})],
                    }
                    for _i in range(start, min(start + 1_000, ORDERS))
                ]
            )
        confirm_with_sql(orders)
        cr = env.cr
        cr.execute(
            """INSERT INTO account_analytic_line (name, date, amount, unit_amount,
                   company_id, account_id, project_id, employee_id, so_line,
                   order_id, psa_validated, create_date, write_date)
               SELECT 'Bench work', CURRENT_DATE - (n %% 30), 0, 1, %(company)s,
                      %(account)s, %(project)s, %(employee)s, sol.id,
                      sol.order_id, n %% 5 <> 0, now(), now()
                 FROM sale_order_line sol
           CROSS JOIN generate_series(1, %(lines)s) n
                WHERE sol.order_id = ANY(%(orders)s)""",
            {
                "company": env.company.id,
                "account": project.analytic_account_id.id,
                "project": project.id,
                "employee": employee.id,
                "lines": LINES,
                "orders": orders.ids,
            },
        )
        cr.execute("ANALYZE account_analytic_line")
        env.invalidate_all()
        cls.orders = orders

    def _queries(self, func):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def _raw_answer(self):
        self.env.cr.execute(RAW_ANSWER_SQL, [self.orders.ids])
        return self.env.cr.fetchall()

    def test_readiness_against_raw_sql(self):
        readiness = self.env["psa.billing.readiness"]
        today = fields.Date.context_today(readiness)
        readiness._check(self.orders[:10])  # warm the caches
        per_batch = [
            self._queries(lambda n=n: readiness._check(self.orders[:n]))
            for n in (100, 1_000)
        ]
        self.assertEqual(per_batch[0], per_batch[1], per_batch)

        raw_seconds, raw = best_of(self._raw_answer)

        def aggregate():
            self.env.invalidate_all()
            return readiness._find_blockers(self.orders, today)

        aggregate_seconds, found = best_of(aggregate)
        expected = {row[0]: row[1] or 0.0 for row in raw}
        self.assertEqual(
            {order_id: info["time"] for order_id, info in found.items()},
            {k: v for k, v in expected.items() if v},
            "the aggregation and the raw answer agree",
        )

        def nightly():
            self.env.invalidate_all()
            self.env["sale.order"]._cron_check_billing_readiness()

        cron_seconds, _result = best_of(nightly)
        self.assertEqual(set(self.orders.mapped("psa_readiness")), {"blocked"})

        worklist = [
            self._queries(
                lambda n=n: self.env["sale.order"].web_read_group(
                    [
                        ("id", "in", self.orders[:n].ids),
                        ("psa_readiness", "in", ("ready", "blocked")),
                    ],
                    ["amount_to_invoice:sum"],
                    ["partner_id", "psa_unbilled_from:month"],
                    lazy=False,
                )
            )
            for n in (ORDERS // 10, ORDERS)
        ]
        self.assertEqual(worklist[0], worklist[1], worklist)

        print(
            f"\n[bench readiness] {ORDERS} orders, {ORDERS * LINES} timesheet lines,"
            f" generated in {self.generate_seconds:.1f}s"
            f"\n  queries per readiness batch: 100 orders {per_batch[0]},"
            f" 1,000 orders {per_batch[1]}"
            f"\n  blocker aggregation {aggregate_seconds:.3f}s, raw SQL"
            f" {raw_seconds:.3f}s: {aggregate_seconds / raw_seconds:.1f}x"
            " (target <= 3x)"
            f"\n  whole scheduled action {cron_seconds:.3f}s:"
            f" {cron_seconds / raw_seconds:.1f}x the raw answer (target <= 10x)"
            f"\n  Ready to Bill grouped by customer and period: {worklist[1]} queries"
            f" for {ORDERS} orders ({worklist[0]} for {ORDERS // 10})"
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
