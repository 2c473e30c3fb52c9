"""Signing up, confirming an email address, signing in (with and without an authenticator
app), throttling and password reset, through the pages people use."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from hub.accounts.models import User
from hub.core.models import AuditEntry
from hub.core.roles import Role, role_names
from hub.core.testing.cast import PASSWORD, current_totp_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase"


def _sign_up(client, email: str):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def _confirmation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def _sign_in(client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def _main(response) -> str:
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]




# --- Signing up and confirming the address -------------------------------------------------


def test_someone_signs_up_confirms_their_address_and_signs_in(client, mailoutbox):
    response = _sign_up(client, "new.person@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert _signed_in_user_id(client) is None

    (message,) = mailoutbox
    assert message.to == ["new.person@example.org"]
    assert message.subject.startswith("[Innovation Hub] ")
    path = _confirmation_path(message)

    page = client.get(path)
    assert page.status_code == 200 and "new.person@example.org" in page.content.decode()
    assert not EmailAddress.objects.get(email="new.person@example.org").verified
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new.person@example.org").verified

    response = _sign_in(client, "new.person@example.org", NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    user = User.objects.get(email="new.person@example.org")
    assert _signed_in_user_id(client) == str(user.pk)


def test_an_unconfirmed_account_cannot_sign_in(client, mailoutbox):
    _sign_up(client, "not.yet@example.org")
    mailoutbox.clear()
    client.logout()

    response = _sign_in(client, "not.yet@example.org", NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert _signed_in_user_id(client) is None
    assert client.get(reverse("accounts:home")).status_code == 302


def test_signing_up_is_recorded_in_the_audit_log(client):
    _sign_up(client, "audited@example.org")
    user = User.objects.get(email="audited@example.org")
    entry = AuditEntry.objects.get(action="account.signup")
    assert (entry.actor, entry.target_id, entry.to_state) == (user, str(user.pk), "unverified")


def test_confirming_a_public_service_address_makes_a_practitioner(client, mailoutbox):
    _sign_up(client, "someone@cabinetoffice.gov.uk")
    user = User.objects.get(email="someone@cabinetoffice.gov.uk")
    assert Role.PRACTITIONER not in role_names(user)

    client.post(_confirmation_path(mailoutbox[0]))
    user = User.objects.get(pk=user.pk)
    assert Role.PRACTITIONER in role_names(user)
    grant = AuditEntry.objects.get(action="role.grant", target_id=str(user.pk))
    assert (grant.actor, grant.to_state) == (None, Role.PRACTITIONER)
    assert "cabinetoffice.gov.uk" in grant.detail["reason"]


def test_confirming_any_other_address_does_not(client, mailoutbox):
    _sign_up(client, "someone@example.org")
    client.post(_confirmation_path(mailoutbox[0]))
    user = User.objects.get(email="someone@example.org")
    assert EmailAddress.objects.get(user=user).verified
    assert Role.PRACTITIONER not in role_names(user)
    assert not AuditEntry.objects.filter(action="role.grant", target_id=str(user.pk)).exists()
    assert AuditEntry.objects.filter(action="account.email_verified", actor=user).exists()


# --- Throttling -----------------------------------------------------------------------------


def _throttle_message(client, email: str, last_password: str) -> str:
    for attempt in range(5):
        response = _sign_in(client, email, f"wrong-password-{attempt}")
        assert response.status_code == 200
        assert "Too many" not in response.content.decode()
    response = _sign_in(client, email, last_password)
    assert response.status_code == 200
    assert _signed_in_user_id(client) is None
    summary = re.search(
        r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>',
        response.content.decode(),
        re.S,
    )
    return " ".join(summary.group(1).split())


def test_five_failed_sign_ins_throttle_the_sixth_even_with_the_right_password(client, member):
    message = _throttle_message(client, member.email, PASSWORD)
    assert "Too many failed login attempts" in message


def test_an_address_with_no_account_is_throttled_with_the_same_message(client, member):
    for_member = _throttle_message(client, member.email, PASSWORD)
    for_nobody = _throttle_message(client, "nobody-here@example.org", "any-password")
    assert for_nobody == for_member


def test_failures_for_one_account_do_not_throttle_another(client, member, practitioner):
    _throttle_message(client, "nobody-here@example.org", "any-password")
    response = _sign_in(client, member.email, PASSWORD)
    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(member.pk)


# --- Password reset -------------------------------------------------------------------------


def test_password_reset_says_the_same_whether_or_not_the_account_exists(client, member, mailoutbox):
    known = client.post(reverse("account_reset_password"), {"email": member.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")

    done_known = _main(client.get(known["Location"]))
    done_unknown = _main(client.get(unknown["Location"]))
    assert done_known == done_unknown
    assert "Check your email" in done_known

    to_member = [m for m in mailoutbox if m.to == [member.email]]
    assert len(to_member) == 1
    assert "/accounts/password/reset/key/" in to_member[0].body
    # The address with no account is told so, and gets no reset link.
    assert all("/password/reset/key/" not in m.body for m in mailoutbox if m.to != [member.email])


def test_the_reset_link_sets_a_new_password(client, member, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": member.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mailoutbox[0].body)
    form = client.get(link.group(1), follow=True)
    action = form.redirect_chain[-1][0]
    response = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    assert _sign_in(client, member.email, NEW_PASSWORD).status_code == 302


# --- Two-factor authentication for curators -------------------------------------------------


def test_a_curator_without_an_app_must_set_one_up_but_can_use_account_pages(client, curator):
    Authenticator.objects.filter(user=curator).delete()
    client.force_login(curator, backend="django.contrib.auth.backends.ModelBackend")

    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # Setting it up first asks them to confirm it is them, still under /accounts/.
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert "must set up two-factor authentication" in response.content.decode()
    assert client.get(reverse("directory:list"))["Location"] == reverse("mfa_activate_totp")

    for name in ("accounts:home", "mfa_index", "account_email", "account_change_password"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "Set up an authenticator app" in page.content.decode()


def test_the_curator_is_asked_for_a_code_and_gets_in_with_the_right_one(client, curator):
    response = _sign_in(client, curator.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert _signed_in_user_id(client) is None

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    assert _signed_in_user_id(client) is None

    response = client.post(reverse("mfa_authenticate"), {"code": current_totp_code(curator)})
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert _signed_in_user_id(client) == str(curator.pk)
    assert client.get(reverse("core:home")).status_code == 200


def test_a_wrong_password_never_reaches_the_code_page(client, curator):
    response = _sign_in(client, curator.email, "not-the-password")
    assert response.status_code == 200
    assert client.get(reverse("mfa_authenticate")).status_code == 302
