"""Escalation of overdue reviews: throughput and cost against raw SQL.

Prints reviews per second, queries per batch, and the ratio of the cron's
time to a raw SQL select of the same overdue reviews. Sizes: 1,000 reviews
by default, 10,000 with PSA_BENCH_FULL=1. Asserts correctness only.
"""

import os
import time
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase

SIZE = 10_000 if os.environ.get("PSA_BENCH_FULL") else 1_000
BATCH = 500


class TestBenchEscalation(TransactionCase):
    def test_escalate_overdue_reviews(self):
        env = self.env(context=dict(self.env.context, tracking_disable=True))
        approver, escalation = env["res.users"].create(
            [
                {"name": "Bench approver", "login": "bench_approver"},
                {"name": "Bench escalation", "login": "bench_escalation"},
            ]
        )
        rule = env["psa.approval.rule"].create(
            {
                "name": "Bench",
                "model_id": env["ir.model"]._get_id("psa.approval.request"),
                "domain": "[('name', '=', 'never matches')]",
                "step_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Bench step",
                            "user_ids": [(6, 0, approver.ids)],
                            "escalation_user_ids": [(6, 0, escalation.ids)],
                            "sla_hours": 4,
                        },
                    )
                ],
            }
        )
        requests = env["psa.approval.request"].create(
            [{"name": f"Bench {i}", "amount": i} for i in range(SIZE)]
        )
        overdue = fields.Datetime.now() - timedelta(hours=5)
        env["psa.approval.review"].create(
            [
                {
                    "res_model": requests._name,
                    "res_id": request_id,
                    "rule_id": rule.id,
                    "step_id": rule.step_ids.id,
                    "name": "Bench step",
                    "state": "pending",
                    "reviewer_ids": [(6, 0, approver.ids)],
                    "sla_hours_snapshot": 4,
                    "date_pending": overdue,
                    "date_deadline": overdue,
                }
                for request_id in requests.ids
            ]
        )
        env.flush_all()

        start = time.perf_counter()
        self.cr.execute(
            "SELECT id FROM psa_approval_review"
            " WHERE state = 'pending' AND date_deadline < now() at time zone 'utc'"
        )
        raw_count = len(self.cr.fetchall())
        raw_seconds = time.perf_counter() - start

        env.invalidate_all()
        queries_before = self.cr.sql_log_count
        start = time.perf_counter()
        env["psa.approval.review"]._cron_escalate(batch_size=BATCH)
        env.flush_all()
        cron_seconds = time.perf_counter() - start
        queries = self.cr.sql_log_count - queries_before

        escalated = env["psa.approval.review"].search_count(
            [("step_id", "=", rule.step_ids.id), ("escalation_count", "=", 1)]
        )
        self.assertEqual(raw_count, SIZE)
        self.assertEqual(escalated, SIZE)
        batches = -(-SIZE // BATCH)
        print(
            f"\n[bench] escalate {SIZE} overdue reviews: {cron_seconds:.2f}s,"
            f" {SIZE / cron_seconds:.0f} reviews/s, {queries} queries"
            f" ({queries / batches:.0f} per batch of {BATCH});"
            f" raw SQL select of the same reviews: {raw_seconds * 1000:.1f} ms;"
            f" ratio cron/raw select: {cron_seconds / max(raw_seconds, 1e-6):.0f}x"
        )
