"""Nightly loan reminders over a firm's worth of loaned kit items.

Generates with SQL SIZE loans (50,000 by default; PSA_BENCH_LOANS sets another
size): SIZE / 10 dispatched kit requests of ten returnable units each, for
1,000 employees (one request in ten to a client site) on 50 projects of 40
project managers, due dates spread over 200 days either side of today, four
loans in ten returned. The marks are those a run of last night left: loans
due within the reminder window were reminded, overdue ones escalated, except
one in 97 whose due date moved since (marks cleared). Every time is the best
of RUNS (5) runs, the measures taken in turn. Prints:

- the scheduled action on a usual night (the loans newly due within the
  window or newly overdue, and those whose due date moved) against
  ``RAW_ANSWER_SQL``, a hand-written statement answering "which loans need a
  reminder or an escalation, and who gets it" (target <= 10x). The raw answer
  is the oracle: the job marks exactly the loans it names and gives exactly
  its people an activity; a second run finds nothing to do;
- the queries of one batch of 100 and of 1,000 loans, each loan for another
  employee (asserted equal).

Asserts correctness and query counts only, never times.
"""

import os
import time
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase

SIZE = int(os.environ.get("PSA_BENCH_LOANS", 50_000))
EMPLOYEES = 1_000
MANAGERS = 40
PROJECTS = 50
DAYS = 3  # the reminder window (setting psa_warehouse_kits.loan_reminder_days)
RUNS = 5

# Who gets what tonight, written by hand: a loan out, not reminded for its due
# date and due within the window reminds its employee; a loan out, overdue
# and not escalated goes to its project's manager.
RAW_ANSWER_SQL = """
SELECT loan.id,
       loan.reminded_on IS NULL AND loan.date_due <= %(horizon)s AS remind,
       loan.user_id,
       loan.escalated_on IS NULL AND loan.date_due < %(today)s AS escalate,
       project.user_id
  FROM psa_kit_loan loan
  LEFT JOIN project_project project ON project.id = loan.project_id
 WHERE loan.state IN ('lent', 'returning')
   AND ((loan.reminded_on IS NULL AND loan.date_due <= %(horizon)s)
        OR (loan.escalated_on IS NULL AND loan.date_due < %(today)s))
"""


class TestBenchLoans(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True)
        )
        cls.today = fields.Date.context_today(cls.env.user)
        cls.env["ir.config_parameter"].sudo().set_param(
            "psa_warehouse_kits.loan_reminder_days", DAYS
        )
        start = time.perf_counter()
        cls._generate()
        cls.generate_seconds = time.perf_counter() - start
        cls.activity_type = cls.env.ref("psa_warehouse_kits.mail_activity_kit_loan_due")

    @classmethod
    def _copy_rows(cls, table, template_id, count, overrides, params):
        """``count`` copies of row ``template_id`` of ``table`` (``i`` from 0),
        ``overrides`` giving the SQL of the columns that differ; every other
        column (whatever other addons add) is copied. Returns the new ids."""
        cr = cls.env.cr
        cr.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = %s"
            " AND column_name != 'id' ORDER BY ordinal_position",
            [table],
        )
        columns = [row[0] for row in cr.fetchall()]
        names = ", ".join(f'"{column}"' for column in columns)
        values = ", ".join(overrides.get(column, f't."{column}"') for column in columns)
        cr.execute(
            f"INSERT INTO {table} ({names}) SELECT {values} FROM {table} t"
            f" CROSS JOIN generate_series(0, %(count)s - 1) i"
            f" WHERE t.id = %(template)s ORDER BY i RETURNING id",
            dict(params, count=count, template=template_id),
        )
        return [row[0] for row in cr.fetchall()]

    @classmethod
    def _generate(cls):
        env, cr = cls.env, cls.env.cr
        company = env.company
        env.flush_all()
        cr.execute(
            "INSERT INTO res_partner (name, active, company_id, type, create_date,"
            " write_date) SELECT 'Bench loans ' || g, true, %s, 'contact', now(),"
            " now() FROM generate_series(1, %s) g RETURNING id",
            [company.id, EMPLOYEES],
        )
        partners = sorted(row[0] for row in cr.fetchall())
        cr.execute(
            "INSERT INTO res_users (login, partner_id, company_id, active, share,"
            " notification_type, create_date, write_date)"
            " SELECT 'bench_loans_' || p, p, %s, true, false, 'inbox', now(), now()"
            " FROM unnest(%s::int[]) p RETURNING id",
            [company.id, partners],
        )
        users = sorted(row[0] for row in cr.fetchall())
        managers = users[:MANAGERS]
        projects = env["project.project"].create(
            [
                {"name": f"Bench loans {i}", "user_id": managers[i % MANAGERS]}
                for i in range(PROJECTS)
            ]
        )
        site = env["res.partner"].create({"name": "Bench client site"})
        product = env["product.product"].create(
            {"name": "Bench loaner", "detailed_type": "product", "standard_price": 50}
        )
        template = (
            env["psa.kit.request"]
            .sudo()
            .create(
                {
                    "project_id": projects[0].id,
                    "needed_date": cls.today + timedelta(days=10),
                    "destination_type": "employee",
                    "recipient_user_id": users[0],
                    "line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": product.id,
                                "quantity": 10,
                                "treatment": "returnable",
                            },
                        )
                    ],
                }
            )
        )
        env.flush_all()
        params = {
            "projects": projects.ids,
            "users": users,
            "site": site.id,
        }
        requests = cls._copy_rows(
            "psa_kit_request",
            template.id,
            SIZE // 10,
            {
                "name": "'BENCH-LOAN/' || lpad(i::text, 6, '0')",
                "project_id": f"(%(projects)s::int[])[1 + i %% {PROJECTS}]",
                "destination_type": (
                    "CASE WHEN i %% 10 = 0 THEN 'site' ELSE 'employee' END"
                ),
                "recipient_user_id": (
                    "CASE WHEN i %% 10 = 0 THEN NULL"
                    f" ELSE (%(users)s::int[])[1 + i %% {EMPLOYEES}] END"
                ),
                "partner_id": "CASE WHEN i %% 10 = 0 THEN %(site)s END",
                "state": "'dispatched'",
                "approval_state": "'approved'",
                "create_date": "now()",
                "write_date": "now()",
            },
            params,
        )
        cr.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema()"
            " AND table_name = 'psa_kit_request_line'"
            " AND column_name != 'id' ORDER BY ordinal_position"
        )
        line_columns = [row[0] for row in cr.fetchall()]
        line_values = {
            "request_id": "r.id",
            "project_id": "r.project_id",
            "request_state": "r.state",
        }
        cr.execute(
            "INSERT INTO psa_kit_request_line ({})"
            " SELECT {} FROM psa_kit_request_line t"
            " JOIN psa_kit_request r ON r.id = ANY(%s)"
            " WHERE t.request_id = %s ORDER BY r.id".format(
                ", ".join(f'"{c}"' for c in line_columns),
                ", ".join(line_values.get(c, f't."{c}"') for c in line_columns),
            ),
            [requests, template.id],
        )
        # ten units a request; a loan's number n sets its due date and state
        cr.execute(
            """
            WITH units AS (
                SELECT r.id AS request_id, l.id AS line_id, r.name,
                       l.product_id, r.project_id, r.recipient_user_id,
                       r.partner_id, r.company_id,
                       (row_number() OVER (ORDER BY r.id, k))::int AS n
                  FROM psa_kit_request r
                  JOIN psa_kit_request_line l ON l.request_id = r.id
            CROSS JOIN generate_series(1, 10) k
                 WHERE r.id = ANY(%(requests)s)
            ), facts AS (
                SELECT u.*, %(today)s::date + ((u.n * 7919) %% 401 - 200) AS due,
                       CASE WHEN u.n %% 10 < 4 THEN 'returned'
                            WHEN u.n %% 20 = 5 THEN 'returning'
                            ELSE 'lent' END AS state
                  FROM units u
            )
            INSERT INTO psa_kit_loan (name, request_id, request_line_id,
                   product_id, project_id, user_id, partner_id, company_id,
                   date_out, date_due, date_returned, state, reminded_on,
                   escalated_on, create_uid, write_uid, create_date, write_date)
            SELECT f.name || ': Bench loaner', f.request_id, f.line_id,
                   f.product_id, f.project_id, f.recipient_user_id, f.partner_id,
                   f.company_id, f.due - 90, f.due,
                   CASE WHEN f.state = 'returned' THEN f.due END, f.state,
                   -- last night's run: the moved ones (one in 97) lost their marks
                   CASE WHEN f.n %% 97 != 0 AND f.due <= %(last_horizon)s
                        THEN f.due - %(days)s END,
                   CASE WHEN f.n %% 97 != 0 AND f.due < %(yesterday)s
                        THEN f.due + 1 END,
                   1, 1, now(), now()
              FROM facts f
          ORDER BY f.n
            """,
            {
                "requests": requests,
                "today": cls.today,
                "days": DAYS,
                "yesterday": cls.today - timedelta(days=1),
                "last_horizon": cls.today + timedelta(days=DAYS - 1),
            },
        )
        cr.execute(
            "ANALYZE psa_kit_loan, psa_kit_request, psa_kit_request_line, res_users"
        )
        env.invalidate_all()
        cls.users = users

    # ----------------------------------------------------------------- helpers
    def _raw_answer(self):
        """Tonight's reminders and escalations in raw SQL, and the seconds it took."""
        began = time.perf_counter()
        self.cr.execute(
            RAW_ANSWER_SQL,
            {"today": self.today, "horizon": self.today + timedelta(days=DAYS)},
        )
        rows = self.cr.fetchall()
        return time.perf_counter() - began, rows

    def _last_activity(self):
        self.cr.execute("SELECT COALESCE(max(id), 0) FROM mail_activity")
        return self.cr.fetchone()[0]

    def _reset(self, after_activity):
        """Undo tonight's run: its activities and its marks."""
        self.env.flush_all()
        self.cr.execute("DELETE FROM mail_activity WHERE id > %s", [after_activity])
        self.cr.execute(
            "UPDATE psa_kit_loan SET reminded_on = NULL WHERE reminded_on = %s",
            [self.today],
        )
        self.cr.execute(
            "UPDATE psa_kit_loan SET escalated_on = NULL WHERE escalated_on = %s",
            [self.today],
        )
        self.env.invalidate_all()

    def _run_job(self):
        Loan = self.env["psa.kit.loan"]
        self.env.invalidate_all()
        began = time.perf_counter()
        Loan._cron_remind_loans(today=self.today)
        self.env.flush_all()
        return time.perf_counter() - began

    def _check_against_oracle(self, answer, after_activity):
        """The job marked exactly the loans of the raw answer and gave exactly
        its people one activity each."""
        remind = {row[0] for row in answer if row[1]}
        escalate = {row[0] for row in answer if row[3]}
        self.assertTrue(remind and escalate, "the generated night has work")
        self.cr.execute(
            "SELECT id FROM psa_kit_loan WHERE reminded_on = %s", [self.today]
        )
        self.assertEqual({row[0] for row in self.cr.fetchall()}, remind)
        self.cr.execute(
            "SELECT id FROM psa_kit_loan WHERE escalated_on = %s", [self.today]
        )
        self.assertEqual({row[0] for row in self.cr.fetchall()}, escalate)
        expected = sorted(
            [(row[0], row[2]) for row in answer if row[1] and row[2]]
            + [(row[0], row[4]) for row in answer if row[3] and row[4]]
        )
        self.cr.execute(
            "SELECT res_id, user_id FROM mail_activity WHERE id > %s"
            " AND res_model = 'psa.kit.loan' AND activity_type_id = %s",
            [after_activity, self.activity_type.id],
        )
        self.assertEqual(sorted(self.cr.fetchall()), expected)
        return len(expected)

    # ------------------------------------------------------------------- tests
    def test_nightly_reminders_against_raw_sql(self):
        after_activity = self._last_activity()
        job_runs, raw_runs = [], []
        for run in range(RUNS):
            raw_seconds, answer = self._raw_answer()
            raw_runs.append(raw_seconds)
            job_runs.append(self._run_job())
            if not run:
                activities = self._check_against_oracle(answer, after_activity)
                loans = len(answer)
                # a second run finds nothing left to do
                self.assertFalse(self._raw_answer()[1])
                self._run_job()
                self.cr.execute(
                    "SELECT count(*) FROM mail_activity WHERE id > %s", [after_activity]
                )
                self.assertEqual(self.cr.fetchone()[0], activities)
            self._reset(after_activity)
        job_seconds, raw_seconds = min(job_runs), min(raw_runs)
        self.cr.execute(
            "SELECT count(*) FILTER (WHERE state IN ('lent', 'returning')),"
            " count(*) FROM psa_kit_loan"
        )
        out, total = self.cr.fetchone()
        print(
            f"\n[bench loans] {total} loans ({out} out), {EMPLOYEES} employees,"
            f" {PROJECTS} projects; data generated in {self.generate_seconds:.1f} s"
            f"\n[bench loans] a usual night: {loans} loans to act on,"
            f" {activities} activities; the scheduled action {job_seconds:.3f} s vs"
            f" raw SQL answering who gets what {raw_seconds:.4f} s: ratio"
            f" {job_seconds / raw_seconds:.1f}x (target <= 10x);"
            f" {job_seconds / activities * 1000:.2f} ms per activity"
        )

    def test_queries_per_batch(self):
        Loan = self.env["psa.kit.loan"]
        batch = self.env["psa.batch"]
        # 1,110 overdue loans of as many employees as there are, never
        # reminded nor escalated: each gets a reminder and an escalation
        self.env.flush_all()
        self.cr.execute(
            "SELECT DISTINCT ON (user_id) id FROM psa_kit_loan"
            " WHERE state = 'lent' AND user_id IS NOT NULL AND date_due < %s"
            " ORDER BY user_id, id",
            [self.today],
        )
        ids = sorted(row[0] for row in self.cr.fetchall())
        self.cr.execute(
            "SELECT id FROM psa_kit_loan WHERE state = 'lent' AND user_id IS NOT NULL"
            " AND date_due < %s AND id != ALL(%s) ORDER BY id LIMIT %s",
            [self.today, ids, max(1_110 - len(ids), 0)],
        )
        ids += [row[0] for row in self.cr.fetchall()]
        self.assertGreaterEqual(len(ids), 1_110)
        self.cr.execute(
            "UPDATE psa_kit_loan SET reminded_on = NULL, escalated_on = NULL"
            " WHERE id = ANY(%s)",
            [ids],
        )
        self.env.invalidate_all()
        domain = Loan._reminder_domain(self.today, DAYS)
        queries, users = {}, {}
        for offset, size in ((0, 10), (10, 100), (110, 1_000)):  # the first warms
            chunk = ids[offset : offset + size]
            self.env.invalidate_all()
            self.env.user.read(["partner_id"])  # cached in a cron after a batch
            before = self.cr.sql_log_count
            loans = batch._claim(Loan._name, [("id", "in", chunk), *domain], 0, size)
            loans._remind_and_escalate(self.today, DAYS)
            self.env.flush_all()
            queries[size] = self.cr.sql_log_count - before
            self.assertEqual(len(loans), size)
            self.assertEqual(set(loans.mapped("escalated_on")), {self.today})
            users[size] = len(loans.user_id | loans.project_id.user_id)
        self.assertEqual(queries[100], queries[1_000], "queries per batch")
        print(
            f"\n[bench loans] queries per batch (claim included): {queries[100]}"
            f" for 100 loans ({users[100]} people), {queries[1_000]} for 1,000"
            f" ({users[1_000]} people)"
        )
