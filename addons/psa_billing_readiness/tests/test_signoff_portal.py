import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import PsaSignoffFactory


@tagged("post_install", "-at_install")
class TestSignoffPortal(PsaSignoffFactory, HttpCase):
    """Real requests to the portal routes, as the client's browser makes them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_signoff()
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Globex", "email": "ops@globex.example"}
        )
        cls.globex_portal = cls._create_portal_user("globex_portal", cls.other_customer)
        cls.acme_portal = cls._create_portal_user("acme_portal", cls.customer)

    @classmethod
    def _create_portal_user(cls, login, company_partner):
        contact = cls.env["res.partner"].create(
            {"name": login, "parent_id": company_partner.id, "email": f"{login}@ex.com"}
        )
        return (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "login": login,
                    "password": f"{login}-pass-1234",
                    "partner_id": contact.id,
                    "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])],
                }
            )
        )

    def setUp(self):
        super().setUp()
        self.signoff = self._request()

    def _page(self, token=None, signoff=None):
        signoff = signoff or self.signoff
        url = f"/my/signoff/{signoff.id}"
        if token is not None:
            url += f"?access_token={token}"
        return self.url_open(url)

    def _csrf(self, url="/web/login"):
        """A valid CSRF token of this browser session, from a page's form."""
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', self.url_open(url).text)
        self.assertTrue(csrf, f"{url} holds a form")
        return csrf.group(1)

    def _decide(self, token, csrf=None, signoff=None, **data):
        signoff = signoff or self.signoff
        if csrf is None:
            csrf = self._csrf(f"/my/signoff/{signoff.id}?access_token={token}")
        return self.url_open(
            f"/my/signoff/{signoff.id}/decide",
            data={"csrf_token": csrf, "access_token": token, **data},
        )

    def test_client_accepts_on_the_portal_page(self):
        page = self._page(self.signoff.access_token)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Go-live", page.text)
        self.assertIn("Cut-over runbook", page.text, "the deliverables are shown")
        response = self._decide(
            self.signoff.access_token,
            decision="accept",
            signed_name="Ada Buyer",
            comment="Smooth cut-over",
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Accepted by", response.text)
        self.assertEqual(self.signoff.state, "accepted")
        self.assertEqual(self.signoff.signed_name, "Ada Buyer")
        self.assertEqual(self.signoff.signed_ip, "127.0.0.1")
        self.assertEqual(self.signoff.comment, "Smooth cut-over")
        self.assertTrue(self.signoff.signed_on)
        self.assertEqual(self.milestone_line.qty_delivered, 1)
        log = self._log_lines(self.signoff, "signoff_accepted")
        self.assertEqual(len(log), 1)
        self.assertIn("Ada Buyer", log.comment)
        self.assertIn("127.0.0.1", log.comment)
        self.assertIn("Ada Buyer", self.fixed_project.message_ids[:1].body)
        # a second answer through the same link changes nothing
        again = self._decide(
            self.signoff.access_token,
            csrf=self._csrf(),
            decision="decline",
            decline_reason="changed my mind",
        )
        self.assertEqual(again.status_code, 400)
        self.assertIn("accepted already", again.text)
        self.assertEqual(self.signoff.state, "accepted")

    def test_accept_needs_a_typed_name(self):
        response = self._decide(
            self.signoff.access_token, decision="accept", signed_name="  "
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("Full Name", response.text)
        self.assertEqual(self.signoff.state, "requested")

    def test_decline_with_reason(self):
        response = self._decide(
            self.signoff.access_token,
            decision="decline",
            decline_reason="Rollback plan missing",
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.signoff.state, "declined")
        self.assertEqual(self.signoff.decline_reason, "Rollback plan missing")
        self.assertEqual(self.milestone_line.qty_delivered, 0)

    def _assert_refused(self, response):
        self.assertNotIn("Cut-over runbook", response.text)
        self.assertTrue(
            response.url.endswith("/web/login?redirect=%2Fmy")
            or "/web/login" in response.url,
            response.url,
        )

    def test_forged_token_is_refused(self):
        forged = self.signoff.access_token[:-4] + "0000"
        self._assert_refused(self._page(forged))
        self._assert_refused(self._page())
        response = self._decide(
            forged, csrf=self._csrf(), decision="accept", signed_name="Eve"
        )
        self._assert_refused(response)
        self.assertEqual(self.signoff.state, "requested")
        self.assertFalse(self.signoff.signed_name)

    def test_stale_token_is_refused(self):
        stale = self.signoff.access_token
        fresh = self._request()
        self._assert_refused(self._page(stale, self.signoff))
        response = self._decide(
            stale, csrf=self._csrf(), decision="accept", signed_name="Ada Buyer"
        )
        self._assert_refused(response)
        self.assertEqual(self.signoff.state, "cancelled")
        self.assertEqual(fresh.state, "requested")
        self.assertEqual(self._page(fresh.access_token, fresh).status_code, 200)

    def test_expired_link_cannot_decide(self):
        self.env.cr.execute(
            "UPDATE psa_milestone_signoff SET requested_on = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(days=31), self.signoff.id),
        )
        self.signoff.invalidate_recordset()
        page = self._page(self.signoff.access_token)
        self.assertIn("This link has expired", page.text)
        self.assertNotIn('id="psa_signoff_form"', page.text)
        response = self._decide(
            self.signoff.access_token,
            csrf=self._csrf(),
            decision="accept",
            signed_name="Ada Buyer",
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.signoff.state, "requested")

    def test_another_customers_portal_user_is_refused(self):
        self.authenticate("globex_portal", "globex_portal-pass-1234")
        self._assert_refused_logged_in(self._page())
        response = self._decide(
            None, csrf=self._csrf("/my/account"), decision="accept", signed_name="Eve"
        )
        self._assert_refused_logged_in(response)
        self.assertEqual(self.signoff.state, "requested")
        self.authenticate("acme_portal", "acme_portal-pass-1234")
        page = self._page()
        self.assertEqual(page.status_code, 200, "their own company's sign-off")
        self.assertIn("Cut-over runbook", page.text)

    def _assert_refused_logged_in(self, response):
        self.assertNotIn("Cut-over runbook", response.text)
        self.assertTrue(response.url.rstrip("/").endswith("/my"), response.url)
