import random
import threading
import time

from psycopg2.errors import SerializationFailure

from odoo import api, fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

REQUESTS, UNITS, RETRIES = 10, 5, 12


@tagged("post_install", "-at_install")
class TestKitReservationRace(TransactionCase):
    """Ten requests approved at the same instant from real concurrent cursors
    compete for five units: never more than five are reserved, and every
    loser has a shortage exception saying what it misses.

    The scenario is committed (other cursors cannot see a test's transaction)
    and removed at the end; a worker retries a serialization failure as
    Odoo's RPC layer does (rollback, wait, again).
    """

    def _env(self, cr):
        return api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            archived = env["psa.approval.rule"].search(
                [("model_name", "=", "psa.kit.request")]
            )
            archived.active = False  # no rule: approved at once, logged
            self.archived_rule_ids = archived.ids
            self.product = env["product.product"].create(
                {"name": "Race dock", "detailed_type": "product", "standard_price": 10}
            )
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", env.company.id)], limit=1
            )
            env["stock.quant"]._update_available_quantity(
                self.product, warehouse.lot_stock_id, UNITS
            )
            self.project = env["project.project"].create({"name": "Race project"})
            requests = env["psa.kit.request"].create(
                [
                    {
                        "project_id": self.project.id,
                        "needed_date": fields.Date.today(),
                        "recipient_user_id": env.ref("base.user_admin").id,
                        "line_ids": [(0, 0, {"product_id": self.product.id})],
                    }
                    for _index in range(REQUESTS)
                ]
            )
            self.request_ids = requests.ids
            self.product_id = self.product.id
            self.project_id = self.project.id
        self.addCleanup(self._remove_committed)

    def _remove_committed(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            requests = env["psa.kit.request"].browse(self.request_ids).exists()
            pickings = requests.picking_ids
            pickings.action_cancel()
            groups = requests.procurement_group_id
            pickings.unlink()
            moves = env["stock.move"].search([("product_id", "=", self.product_id)])
            moves._action_cancel()
            moves.unlink()
            env["psa.exception"].search(
                [
                    ("res_model", "=", "psa.kit.request"),
                    ("res_id", "in", self.request_ids),
                ]
            ).unlink()
            # the log is append-only through the ORM: these are the test's own lines
            cr.execute(
                "DELETE FROM psa_approval_log WHERE res_model = %s AND res_id IN %s",
                ["psa.kit.request", tuple(self.request_ids)],
            )
            requests.write({"state": "cancelled"})
            requests.unlink()
            groups.unlink()
            env["stock.quant"].search([("product_id", "=", self.product_id)]).unlink()
            env["product.product"].browse(
                self.product_id
            ).exists().product_tmpl_id.unlink()
            env["project.project"].browse(self.project_id).exists().unlink()
            env["psa.approval.rule"].browse(self.archived_rule_ids).active = True

    def _approve(self, request_id, barrier, outcome):
        """One worker: its own cursor, retried on serialization failures."""
        barrier.wait()
        for attempt in range(RETRIES):
            with self.registry.cursor() as cr:
                try:
                    env = self._env(cr)
                    env["psa.kit.request"].browse(request_id).action_request_approval()
                    cr.commit()  # pylint: disable=invalid-commit
                    outcome[request_id] = attempt
                    return
                except SerializationFailure:
                    cr.rollback()
            time.sleep(random.uniform(0.0, 0.05 * 2 ** min(attempt, 4)))
        outcome[request_id] = "gave up"

    @mute_logger("odoo.sql_db")  # the retried serialization failures are expected
    def test_ten_requests_five_units(self):
        barrier, outcome = threading.Barrier(REQUESTS), {}
        workers = [
            threading.Thread(target=self._approve, args=(request_id, barrier, outcome))
            for request_id in self.request_ids
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=120)
        self.assertFalse([w for w in workers if w.is_alive()])
        self.assertNotIn("gave up", outcome.values(), outcome)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            requests = env["psa.kit.request"].browse(self.request_ids)
            self.assertEqual(set(requests.mapped("approval_state")), {"approved"})
            quants = env["stock.quant"].search([("product_id", "=", self.product_id)])
            debug = (
                [(q.location_id.name, q.quantity, q.reserved_quantity) for q in quants]
                + [
                    (m.id, m.state, m.quantity, m.move_line_ids.mapped("quantity"))
                    for m in requests.line_ids.move_ids
                ]
                + [outcome]
            )
            self.assertEqual(
                sum(requests.line_ids.mapped("qty_reserved")), UNITS, debug
            )
            winners = requests.filtered(lambda r: r.state == "reserved")
            losers = requests - winners
            self.assertEqual((len(winners), len(losers)), (UNITS, REQUESTS - UNITS))
            exceptions = env["psa.exception"].search(
                [
                    ("res_model", "=", "psa.kit.request"),
                    ("kind", "=", "kit_stock_shortage"),
                    ("state", "=", "open"),
                ]
            )
            self.assertEqual(
                sorted(r for r in exceptions.mapped("res_id") if r in self.request_ids),
                sorted(losers.ids),
            )
            for exception in exceptions.filtered(lambda e: e.res_id in losers.ids):
                self.assertIn("Race dock (1)", exception.name)

    def test_cleanup_leaves_the_database_as_found(self):
        """What the scenario commits is removed (run here, checked on another
        cursor; running it again at the end is harmless)."""
        self._remove_committed()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            self.assertFalse(env["psa.kit.request"].browse(self.request_ids).exists())
            self.assertFalse(env["product.product"].browse(self.product_id).exists())
            self.assertFalse(env["project.project"].browse(self.project_id).exists())
            self.assertFalse(
                env["stock.quant"].search([("product_id", "=", self.product_id)])
            )
            self.assertEqual(
                env["psa.approval.rule"]
                .browse(self.archived_rule_ids)
                .mapped("active"),
                [True] * len(self.archived_rule_ids),
            )
