"""Changing the email address needs the password again, goes through verification of the new
address, is audited, and a public-service address makes the person a practitioner."""

import re

import pytest
from django.urls import reverse

from hub.core.models import AuditEntry
from hub.core.roles import Role, role_names
from hub.core.testing.cast import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_changing_email_asks_for_the_password_then_verifies_the_new_address(
    client, member, mailoutbox
):
    _sign_in(client, member)
    asked = client.post(reverse("account_email"),
                        {"email": "maya.new@leeds.gov.uk", "action_add": ""})
    assert asked.status_code == 302 and "reauthenticate" in asked["Location"]
    assert not mailoutbox

    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    sent = client.post(reverse("account_email"),
                       {"email": "maya.new@leeds.gov.uk", "action_add": ""})
    assert sent.status_code == 302
    assert [message.to for message in mailoutbox] == [["maya.new@leeds.gov.uk"]]
    member.refresh_from_db()
    assert member.email == "maya@example.org", "nothing changes until the link is followed"

    path = re.search(r"/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
    client.post(path)
    member.refresh_from_db()
    assert member.email == "maya.new@leeds.gov.uk"
    assert AuditEntry.objects.filter(action="account.email_change", actor=member).exists()
    assert Role.PRACTITIONER in role_names(member)
