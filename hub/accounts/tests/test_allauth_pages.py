"""Every django-allauth page (sign in, create an account, passwords, email, two-factor) is
rendered in the hub's layout with GOV.UK Design System markup. The templates are the
overrides in the project's ``templates/`` folder."""

import re
import time
from collections import Counter
from html.parser import HTMLParser

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from django.urls import reverse

from hub.core.testing.cast import PASSWORD

pytestmark = pytest.mark.django_db


class _Page(HTMLParser):
    """The few things about a page's markup these tests look at."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: Counter = Counter()
        self.tags: Counter = Counter()
        self.inputs: list[dict] = []
        self.labels_for: set[str] = set()
        self.title = ""
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags[tag] += 1
        if attrs.get("id"):
            self.ids[attrs["id"]] += 1
        if tag == "input":
            self.inputs.append(attrs)
        if tag == "label" and attrs.get("for"):
            self.labels_for.add(attrs["for"])
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def visible_inputs(self):
        return [
            i
            for i in self.inputs
            if i.get("type") not in {"hidden", "submit"} and "hidden" not in i
        ]


def _check_layout(response, title: str) -> _Page:
    """The page is 200, in the hub's layout, in a two-thirds column, with one GOV.UK h1,
    labelled GOV.UK inputs, unique ids and the title given."""
    assert response.status_code == 200
    body = response.content.decode()
    page = _Page(body)
    assert " ".join(page.title.split()) == f"{title} – Innovation Hub"
    assert page.tags["main"] == 1 and page.tags["h1"] == 1
    assert "govuk-generic-header" in body and "govuk-footer" in body
    assert 'class="govuk-grid-column-two-thirds"' in body
    assert re.search(r'<h1 class="govuk-heading-l">\s*' + re.escape(title), body)
    duplicates = [id_ for id_, count in page.ids.items() if count > 1]
    assert duplicates == []
    for field in page.visible_inputs():
        assert field["id"] in page.labels_for, field
        assert "placeholder" not in field
        kind = field.get("type")
        if kind == "checkbox":
            assert field["class"] == "govuk-checkboxes__input"
        elif kind == "radio":
            assert field["class"] == "govuk-radios__input"
        else:
            assert "govuk-input" in field["class"].split()
        if kind == "password":
            assert "value" not in field
            assert field["autocomplete"] in {"current-password", "new-password"}
        if kind == "email":
            assert (field["autocomplete"], field["spellcheck"]) == ("email", "false")
    # Allauth's own unstyled markup never shows through.
    assert "<button>" not in body and "<p>\n" not in body
    assert "style=" not in body and "<script>" not in body
    return page


def _reset_url(user) -> str:
    return reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )


# --- Pages anyone can see -----------------------------------------------------------------

PUBLIC_PAGES = [
    ("account_login", "Sign in"),
    ("account_signup", "Create an account"),
    ("account_reset_password", "Reset your password"),
    ("account_reset_password_done", "Check your email"),
    ("account_reset_password_from_key_done", "Your password has been changed"),
    ("account_email_verification_sent", "Check your email"),
    ("account_inactive", "This account is not active"),
]


@pytest.mark.parametrize(("name", "title"), PUBLIC_PAGES)
def test_each_public_page_is_a_gov_uk_page_in_the_hub_layout(client, name, title):
    _check_layout(client.get(reverse(name)), title)


def test_the_sign_in_page_asks_for_an_email_address_and_the_current_password(client):
    response = client.get(reverse("account_login"))
    page = _check_layout(response, "Sign in")
    fields = {field["name"]: field for field in page.visible_inputs()}
    assert fields["login"]["type"] == "email"
    assert fields["password"]["autocomplete"] == "current-password"
    assert fields["remember"]["type"] == "checkbox"
    body = response.content.decode()
    assert '<button type="submit" class="govuk-button" data-module="govuk-button">Sign in' in body
    assert reverse("account_signup") in body and reverse("account_reset_password") in body
    assert "Forgot your password?" not in body


def test_the_sign_up_page_asks_for_a_new_password(client):
    page = _check_layout(client.get(reverse("account_signup")), "Create an account")
    fields = {field["name"]: field for field in page.visible_inputs()}
    assert fields["email"]["type"] == "email"
    assert fields["password1"]["autocomplete"] == "new-password"
    assert fields["password2"]["autocomplete"] == "new-password"


def test_a_bad_sign_up_shows_the_error_summary_and_keeps_the_email(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "not-an-email", "password1": "short", "password2": "different"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    page = _Page(body)
    assert page.title.strip().startswith("Error: Create an account")
    assert 'class="govuk-error-summary"' in body
    summary = body[body.index("govuk-error-summary") : body.index("</h1>")]
    assert 'href="#id_email"' in summary and 'href="#id_password1"' in summary
    assert 'class="govuk-form-group govuk-form-group--error"' in body
    assert 'class="govuk-input govuk-input--error" id="id_email"' in body
    assert '<span class="govuk-visually-hidden">Error:</span>' in body
    assert 'aria-describedby="id_email-hint id_email-error"' in body
    emails = [field for field in page.inputs if field.get("name") == "email"]
    assert emails[0]["value"] == "not-an-email"
    assert "short" not in [field.get("value") for field in page.inputs]
    assert "different" not in body


def test_a_failed_sign_in_lists_the_problem_and_keeps_the_email(client):
    response = client.post(
        reverse("account_login"), {"login": "maya@example.org", "password": "wrong-password"}
    )
    body = response.content.decode()
    assert _Page(body).title.strip().startswith("Error: Sign in")
    assert "govuk-error-summary" in body and "not correct" in body
    assert 'value="maya@example.org"' in body and "wrong-password" not in body


def test_a_password_reset_link_that_does_not_work_says_so(client):
    response = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad"})
    )
    _check_layout(response, "This link to reset your password does not work")
    assert reverse("account_reset_password") in response.content.decode()


def test_a_good_password_reset_link_asks_for_a_new_password_twice(client, member):
    response = client.get(_reset_url(member), follow=True)
    page = _check_layout(response, "Choose a new password")
    kinds = [(field["name"], field["autocomplete"]) for field in page.visible_inputs()]
    assert kinds == [("password1", "new-password"), ("password2", "new-password")]


def test_an_email_confirmation_link_asks_to_confirm(client, member):
    address = EmailAddress.objects.create(user=member, email="maya2@example.org")
    key = EmailConfirmationHMAC(address).key
    response = client.get(reverse("account_confirm_email", args=[key]))
    _check_layout(response, "Confirm your email address")
    assert "maya2@example.org" in response.content.decode()


def test_a_broken_email_confirmation_link_says_so(client):
    response = client.get(reverse("account_confirm_email", args=["not-a-key"]))
    _check_layout(response, "This link does not work")


# --- Pages for someone signed in ----------------------------------------------------------


def _confirm_it_is_me(client):
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


MEMBER_PAGES = [
    # (URL name, heading, whether it leads back to the account page)
    ("account_logout", "Sign out", True),
    ("account_change_password", "Change your password", True),
    ("account_email", "Your email address", True),
    ("mfa_index", "Two-factor authentication", True),
    ("account_reauthenticate", "Confirm it is you", False),
    ("account_request_reauthentication_code", "Confirm it is you", False),
]


@pytest.mark.parametrize(("name", "title", "back_link"), MEMBER_PAGES)
def test_each_page_for_a_member_is_a_gov_uk_page(signed_in, member, name, title, back_link):
    response = signed_in(member).get(reverse(name))
    _check_layout(response, title)
    body = response.content.decode()
    assert ('class="govuk-back-link"' in body) is back_link


def test_changing_a_password_asks_for_the_current_one_and_a_new_one(signed_in, member):
    page = _check_layout(
        signed_in(member).get(reverse("account_change_password")), "Change your password"
    )
    kinds = [(field["name"], field["autocomplete"]) for field in page.visible_inputs()]
    assert kinds == [
        ("oldpassword", "current-password"),
        ("password1", "new-password"),
        ("password2", "new-password"),
    ]


def test_someone_without_a_password_can_set_one(signed_in, member):
    member.set_unusable_password()
    member.save()
    client = signed_in(member)
    # They have just confirmed it is them with a code by email (they have no password).
    session = client.session
    session["account_authentication_methods_user"] = str(member.pk)
    session["account_authentication_methods"] = [
        {"method": "code", "at": time.time(), "reauthenticated": True}
    ]
    session.save()
    page = _check_layout(client.get(reverse("account_set_password")), "Set a password")
    kinds = [(field["name"], field["autocomplete"]) for field in page.visible_inputs()]
    assert kinds == [("password1", "new-password"), ("password2", "new-password")]


def test_the_two_factor_page_offers_to_set_up_an_app(signed_in, member):
    response = signed_in(member).get(reverse("mfa_index"))
    body = response.content.decode()
    assert "govuk-summary-list" in body and "Off" in body
    assert reverse("mfa_activate_totp") in body


def test_setting_up_an_app_shows_the_qr_code_and_the_secret(signed_in, member):
    client = signed_in(member)
    _confirm_it_is_me(client)
    response = client.get(reverse("mfa_activate_totp"))
    page = _check_layout(response, "Set up an authenticator app")
    body = response.content.decode()
    assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="QR code', body)
    secret = client.session["mfa.totp.secret"]
    assert f'<p class="hub-token"><code>{secret}</code></p>' in body
    (code,) = page.visible_inputs()
    assert (code["name"], code["autocomplete"], code["inputmode"]) == (
        "code",
        "one-time-code",
        "numeric",
    )


def test_a_wrong_app_code_is_shown_as_an_error(signed_in, member):
    client = signed_in(member)
    _confirm_it_is_me(client)
    client.get(reverse("mfa_activate_totp"))
    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    body = response.content.decode()
    assert _Page(body).title.strip().startswith("Error: Set up an authenticator app")
    assert 'href="#id_code"' in body and "govuk-input--error" in body


def test_the_curator_sees_their_app_is_on_and_can_turn_it_off(signed_in, curator):
    client = signed_in(curator)
    body = client.get(reverse("mfa_index")).content.decode()
    assert "On" in body and reverse("mfa_deactivate_totp") in body
    _confirm_it_is_me(client)
    response = client.get(reverse("mfa_deactivate_totp"))
    _check_layout(response, "Turn off your authenticator app")
    assert "govuk-button govuk-button--warning" in response.content.decode()


def test_recovery_codes_can_be_generated_seen_and_downloaded(signed_in, curator):
    client = signed_in(curator)
    _confirm_it_is_me(client)
    response = client.get(reverse("mfa_generate_recovery_codes"))
    _check_layout(response, "Generate new recovery codes")
    response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302
    response = client.get(reverse("mfa_view_recovery_codes"))
    _check_layout(response, "Your recovery codes")
    codes = (
        Authenticator.objects.get(user=curator, type=Authenticator.Type.RECOVERY_CODES)
        .wrap()
        .get_unused_codes()
    )
    body = response.content.decode()
    assert all(f"<code>{code}</code>" in body for code in codes)
    assert reverse("mfa_download_recovery_codes") in body
    download = client.get(reverse("mfa_download_recovery_codes"))
    assert download.status_code == 200 and codes[0] in download.content.decode()
    # Generating again warns that the old codes stop working.
    again = client.get(reverse("mfa_generate_recovery_codes")).content.decode()
    assert "govuk-warning-text" in again and "govuk-button--warning" in again


def test_confirming_it_is_me_with_the_app_is_a_gov_uk_page(signed_in, curator):
    response = signed_in(curator).get(reverse("mfa_reauthenticate"))
    page = _check_layout(response, "Confirm it is you")
    assert [field["name"] for field in page.visible_inputs()] == ["code"]
    assert reverse("account_reauthenticate") in response.content.decode()


def test_the_code_page_at_sign_in_is_a_gov_uk_page(client, curator):
    response = client.post(
        reverse("account_login"), {"login": curator.email, "password": PASSWORD}, follow=True
    )
    page = _check_layout(response, "Enter the code from your authenticator app")
    assert [field["name"] for field in page.visible_inputs()] == ["code"]
    body = response.content.decode()
    assert 'form="logout-from-stage"' in body and 'id="logout-from-stage"' in body
