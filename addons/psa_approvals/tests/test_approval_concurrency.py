import threading

from psycopg2.errors import SerializationFailure

from odoo import api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestApprovalConcurrency(TransactionCase):
    """Two reviewers deciding at the same moment, on two real cursors.

    The scenario is committed (a second cursor cannot see a test's rolled-back
    transaction), so the test removes everything it committed at the end:
    its users, rule, request, reviews and log lines, and it reactivates the
    rules it archived, leaving the database as it found it.
    """

    def _env(self, cr, user=api.SUPERUSER_ID):
        return api.Environment(cr, user, {"tracking_disable": True})

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            archived = env["psa.approval.rule"].search([])
            archived.active = False
            self.archived_rule_ids = archived.ids
            users = (
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    [
                        {
                            "name": f"Race {name}",
                            "login": f"psa_race_{name}",
                            "email": f"race_{name}@example.com",
                        }
                        for name in ("requester", "one", "two")
                    ]
                )
            )
            requester, self.one, self.two = users.ids
            rule = env["psa.approval.rule"].create(
                {
                    "name": "Either of two",
                    "model_id": env["ir.model"]._get_id("psa.approval.request"),
                    "step_ids": [
                        (0, 0, {"name": "Any", "user_ids": [(6, 0, users[1:].ids)]})
                    ],
                }
            )
            request = (
                env["psa.approval.request"]
                .with_user(requester)
                .create({"name": "Race", "amount": 100})
            )
            request.action_request_approval()
            self.request_id, self.rule_id = request.id, rule.id
            self.user_ids = users.ids
        self.addCleanup(self._remove_committed)

    def _remove_committed(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            where = ("psa.approval.request", self.request_id)
            # the log is append-only through the ORM: these are the test's own lines
            cr.execute(
                "DELETE FROM psa_approval_log WHERE res_model = %s AND res_id = %s",
                where,
            )
            env["psa.approval.review"].search(
                [("res_model", "=", where[0]), ("res_id", "=", where[1])]
            ).unlink()
            env["psa.approval.request"].browse(self.request_id).exists().unlink()
            env["psa.approval.rule"].browse(self.rule_id).exists().unlink()
            users = env["res.users"].browse(self.user_ids).exists()
            partners = users.partner_id
            users.unlink()
            partners.unlink()
            env["psa.approval.rule"].browse(self.archived_rule_ids).active = True

    def test_cleanup_leaves_the_database_as_found(self):
        """What the scenario commits is removed by the cleanup (run here, then
        checked on another cursor; running it again at the end is harmless)."""
        self._remove_committed()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            self.assertFalse(
                env["res.users"]
                .with_context(active_test=False)
                .search([("login", "like", "psa_race_")])
            )
            self.assertFalse(
                env["psa.approval.request"].browse(self.request_id).exists()
            )
            self.assertFalse(env["psa.approval.rule"].browse(self.rule_id).exists())
            self.assertEqual(
                env["psa.approval.rule"]
                .browse(self.archived_rule_ids)
                .mapped("active"),
                [True] * len(self.archived_rule_ids),
            )

    def _approve(self, cr, user):
        env = self._env(cr, user)
        env["psa.approval.request"].browse(self.request_id).action_approve()

    @mute_logger("odoo.sql_db")  # the loser's failed SELECT ... FOR UPDATE is expected
    def test_two_reviewers_at_once_grant_exactly_once(self):
        outcome = {}
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            cr2.execute("SELECT 1")  # take cr2's snapshot before cr1 decides
            self._approve(cr1, self.one)  # holds the lock on the reviews

            def second_reviewer():
                try:
                    self._approve(cr2, self.two)
                    outcome["second"] = "approved"
                except (SerializationFailure, UserError) as err:
                    outcome["second"] = type(err).__name__
                    cr2.rollback()

            racer = threading.Thread(target=second_reviewer)
            racer.start()
            racer.join(timeout=2)
            self.assertTrue(
                racer.is_alive(), "the second reviewer must wait for the lock"
            )
            cr1.commit()
            racer.join(timeout=30)
            self.assertFalse(racer.is_alive())

        self.assertIn(outcome["second"], ("SerializationFailure", "UserError"))
        with self.registry.cursor() as cr:
            env = self._env(cr)
            logs = env["psa.approval.log"].search(
                [
                    ("res_model", "=", "psa.approval.request"),
                    ("res_id", "=", self.request_id),
                ]
            )
            self.assertEqual(
                logs.filtered(lambda line: line.event == "approved_step").user_id.ids,
                [self.one],
            )
            self.assertEqual(
                len(logs.filtered(lambda line: line.event == "approved")), 1
            )
            request = env["psa.approval.request"].browse(self.request_id)
            self.assertEqual(request.approval_state, "approved")
