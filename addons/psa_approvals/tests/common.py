from contextlib import contextmanager
from unittest.mock import patch

from odoo_test_helper import FakeModelLoader

from odoo.tests import TransactionCase

WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def assert_no_writes(test):
    """Fail ``test`` if the block writes to the database: a scheduled action
    run a second time the same night must change nothing."""
    seen = []
    cursor_class = type(test.env.cr)
    execute = cursor_class.execute

    def spy(cr, query, params=None, log_exceptions=True):
        code = getattr(query, "code", query)
        seen.append(str(code).lstrip().upper())
        return execute(cr, query, params, log_exceptions)

    with patch.object(cursor_class, "execute", spy):
        yield
    test.assertFalse([q for q in seen if q.startswith(WRITES)])


class PsaApprovalsFactory:
    """Helpers to build users and rules; mixed into TransactionCase or HttpCase."""

    approval_model = "psa.approval.request"

    @classmethod
    def _isolate_from_demo(cls):
        """Archive existing rules and cancel open reviews (demo data), so that
        a test sees only the matrix and requests it builds."""
        cls.env["psa.approval.rule"].search([]).active = False
        cls.env["psa.approval.review"].search(
            [("state", "in", ("waiting", "pending"))]
        ).write({"state": "cancelled"})

    @classmethod
    def _create_user(cls, login, *group_xmlids):
        groups = [cls.env.ref("base.group_user").id]
        groups += [cls.env.ref(xmlid).id for xmlid in group_xmlids]
        return (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": login.replace("_", " ").title(),
                    "login": login,
                    "email": f"{login}@example.com",
                    "groups_id": [(6, 0, groups)],
                }
            )
        )

    @classmethod
    def _create_rule(cls, steps=(), model=None, **vals):
        """A rule on ``model`` (default: approval_model); steps are dicts of
        psa.approval.rule.step values, ``user_ids`` given as recordsets."""
        step_vals = []
        for index, step in enumerate(steps):
            step = dict(step)
            if "user_ids" in step:
                step["user_ids"] = [(6, 0, step["user_ids"].ids)]
            step.setdefault("name", f"Step {index + 1}")
            step.setdefault("sequence", (index + 1) * 10)
            step_vals.append((0, 0, step))
        return cls.env["psa.approval.rule"].create(
            {
                "name": vals.pop("name", "Test rule"),
                "model_id": cls.env["ir.model"]._get_id(model or cls.approval_model),
                "step_ids": step_vals,
                **vals,
            }
        )


class PsaApprovalsCommon(PsaApprovalsFactory, TransactionCase):
    """Users and helpers for approval tests; other addons subclass it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls._isolate_from_demo()
        cls.requester = cls._create_user("psa_requester")
        cls.approver_1 = cls._create_user("psa_approver_1")
        cls.approver_2 = cls._create_user("psa_approver_2")
        cls.approver_3 = cls._create_user("psa_approver_3")
        cls.outsider = cls._create_user("psa_outsider")
        cls.approval_admin = cls._create_user(
            "psa_approval_admin", "psa_approvals.group_approval_admin"
        )

    def _create_request(self, amount=1000.0, user=None, **vals):
        return (
            self.env["psa.approval.request"]
            .with_user(user or self.requester)
            .create({"name": "Test request", "amount": amount, **vals})
        )

    def _other_currency(self, rate):
        """A currency other than the company's, worth ``rate`` of it since 2000."""
        company = self.env.company
        other = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("id", "!=", company.currency_id.id)], limit=1)
        )
        other.active = True
        other.rate_ids.unlink()
        self.env["res.currency.rate"].create(
            {
                "currency_id": other.id,
                "rate": rate,
                "company_id": company.id,
                "name": "2000-01-01",
            }
        )
        company.currency_id.rate_ids.filtered(
            lambda r: r.company_id == company
        ).unlink()
        return other

    def _logs(self, record, event=None):
        domain = [("res_model", "=", record._name), ("res_id", "=", record.id)]
        if event:
            domain.append(("event", "=", event))
        return self.env["psa.approval.log"].sudo().search(domain)


class PsaApprovalTestModelMixin:
    """Loads the test-only approvable model ``psa.approval.test.document``
    (see fake_models.py) for the test class, with rights for approval users;
    mix it into a test class before the Odoo test case."""

    @classmethod
    def _load_test_document_model(cls):
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        from .fake_models import (
            PsaApprovalRule,
            PsaApprovalTestDocument,
            PsaApprovalTestEffort,
        )

        cls.loader.update_registry(
            (PsaApprovalTestDocument, PsaApprovalTestEffort, PsaApprovalRule)
        )
        cls.addClassCleanup(cls.loader.restore_registry)
        cls.env["ir.model.access"].create(
            [
                {
                    "name": f"{model}: approval users",
                    "model_id": cls.env["ir.model"]._get_id(model),
                    "group_id": cls.env.ref("psa_approvals.group_approval_user").id,
                    "perm_read": True,
                    "perm_write": True,
                    "perm_create": True,
                    "perm_unlink": True,
                }
                for model in ("psa.approval.test.document", "psa.approval.test.effort")
            ]
        )


class PsaApprovalTestDocumentCommon(PsaApprovalTestModelMixin, PsaApprovalsCommon):
    """The test document model loaded, with one rule: documents from 1,000 on
    need approver_1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_test_document_model()
        cls._create_rule(
            [{"user_ids": cls.approver_1}],
            model="psa.approval.test.document",
            name="Large documents",
            amount_min=1000,
        )

    def _document(self, total):
        return (
            self.env["psa.approval.test.document"]
            .with_user(self.requester)
            .create({"name": f"Doc {total}", "total": total})
        )
