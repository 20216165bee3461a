from odoo.tests import tagged

from .common import WEEK_1, WEEK_2, PsaBillingCommon


@tagged("post_install", "-at_install")
class TestValidatedInvoicing(PsaBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.validated = cls._log(10, WEEK_1)
        cls.pending = cls._log(5, WEEK_2)
        cls.validated.with_user(cls.manager).action_psa_validate()

    def _settings(self, validated_only):
        settings = self.env["res.config.settings"].create(
            {"psa_billing_invoice_validated_only": validated_only}
        )
        settings.execute()

    def test_all_time_counts_by_default(self):
        self.assertEqual(self.time_line.qty_delivered, 15)

    def test_create_invoice_bills_validated_time_only(self):
        self._settings(True)
        self.assertEqual(
            self.time_line.qty_delivered, 10, "saving Settings recomputed the order"
        )
        self.assertEqual(self.time_line.qty_to_invoice, 10)
        invoice = self.order.with_user(self.finance)._create_invoices()
        self.assertEqual(invoice.invoice_line_ids.quantity, 10)
        self.assertEqual(self.validated.timesheet_invoice_id, invoice)
        self.assertFalse(
            self.pending.timesheet_invoice_id, "unvalidated time stays to invoice"
        )
        # validating the rest makes it deliverable, and invoiceable next time
        self.pending.with_user(self.manager).action_psa_validate()
        self.assertEqual(self.time_line.qty_delivered, 15)
        self.assertEqual(self.time_line.qty_to_invoice, 5)

    def test_unlocked_time_stops_counting(self):
        self._settings(True)
        self.validated.with_user(self.timesheet_admin).action_psa_unlock(
            reason="Wrong task"
        )
        self.assertEqual(self.time_line.qty_delivered, 0)
        self._settings(False)
        self.assertEqual(self.time_line.qty_delivered, 15)
