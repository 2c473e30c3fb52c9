import json

import pytest
from django.urls import reverse

from hub.accounts.models import ApiToken, PractitionerDomain, User
from hub.core.models import AuditEntry
from hub.core.roles import Role, role_names

pytestmark = pytest.mark.django_db


def test_a_visitor_is_sent_to_sign_in_from_the_account_page(client):
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_member_sees_their_details_and_roles(signed_in, practitioner):
    response = signed_in(practitioner).get(reverse("accounts:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "priya@dwp.gov.uk" in body and "Practitioner" in body
    assert "Ask to be recognised as a practitioner" not in body


def test_a_member_changes_their_details(signed_in, member):
    client = signed_in(member)
    response = client.post(reverse("accounts:profile"),
                           {"display_name": "Maya M.", "job_title": "Analyst", "organisation": ""})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.display_name, member.job_title) == ("Maya M.", "Analyst")


def test_a_bad_organisation_keeps_what_was_typed(signed_in, member):
    response = signed_in(member).post(
        reverse("accounts:profile"),
        {"display_name": "Kept name", "job_title": "Kept title", "organisation": "999999"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and 'value="Kept name"' in body
    assert 'value="Kept title"' in body


def test_a_new_token_is_shown_once_and_stored_only_as_a_hash(signed_in, member, client):
    client = signed_in(member)
    response = client.post(reverse("accounts:token_create"), {"name": "export script"},
                           follow=True)
    assert response.redirect_chain == [(reverse("accounts:home"), 302)]
    secret = response.context["new_token"]
    assert secret.startswith("hub_") and secret in response.content.decode()
    token = ApiToken.objects.get(user=member)
    assert secret not in (token.key_hash, token.prefix) and len(token.key_hash) == 64
    again = client.get(reverse("accounts:home")).content.decode()
    assert secret not in again and token.prefix in again


def test_a_token_without_a_name_is_refused_with_a_message(signed_in, member):
    response = signed_in(member).post(reverse("accounts:token_create"), {"name": "  "})
    assert "Enter a name for the token" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_token_authenticates_api_calls_until_it_is_revoked(signed_in, member, client):
    client = signed_in(member)
    secret = client.post(reverse("accounts:token_create"), {"name": "t"},
                         follow=True).context["new_token"]
    token = ApiToken.objects.get(user=member)
    client.logout()
    header = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    me = client.get("/api/v1/me", **header)
    assert me.status_code == 200 and me.json()["email"] == "maya@example.org"
    token.refresh_from_db()
    assert token.last_used_at is not None
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    client.logout()
    response = client.get("/api/v1/me", **header)
    assert response.status_code == 401
    assert "token" in response.json()["detail"]
    assert client.get("/api/v1/me").status_code == 401


def test_someone_else_cannot_revoke_my_token(signed_in, member, practitioner):
    from hub.accounts.services import api_token_create

    token, _ = api_token_create(user=member, name="mine")
    response = signed_in(practitioner).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_download_my_data_holds_everything_about_me(signed_in, practitioner):
    client = signed_in(practitioner)
    client.post(reverse("accounts:token_create"), {"name": "for export"})
    response = client.get(reverse("accounts:data_download"))
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == "priya@dwp.gov.uk"
    assert data["account"]["roles"] == ["practitioner"]
    assert data["email_addresses"][0]["verified"] is True
    assert data["api_tokens"][0]["name"] == "for export"
    assert "key_hash" not in json.dumps(data)
    assert any(item["action"] == "api_token.create" for item in data["activity"])


def test_deleting_an_account_erases_personal_data_and_keeps_contributions(client, member,
                                                                          curator):
    from hub.accounts.services import account_erase, api_token_create

    api_token_create(user=member, name="t")
    account_erase(user=member, by=member)
    member.refresh_from_db()
    assert member.public_name == "former member"
    assert (member.email, member.display_name, member.is_active) == ("", "", False)
    assert not member.has_usable_password()
    assert not member.api_tokens.exists() and not member.emailaddress_set.exists()
    # The contribution (here: the audit entry for the token) stays, shown as a former member.
    entry = AuditEntry.objects.filter(action="api_token.create").get()
    assert entry.actor_id == member.pk and entry.actor_name == "former member"
    assert client.login(username=member.username, password="anything") is False


def test_the_delete_page_asks_to_sign_in_again_before_deleting(signed_in, member):
    client = signed_in(member)
    response = client.get(reverse("accounts:delete"))
    # force_login gives no recent authentication: allauth asks for the password again.
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    User.objects.get(pk=member.pk)  # still there


def test_a_member_deletes_their_account_after_confirming(client, member):
    signed_in = client.post(reverse("account_login"),
                            {"login": member.email, "password": "correct-horse-battery-staple"})
    assert signed_in.status_code == 302
    asked = client.post(reverse("accounts:delete"))
    assert "reauthenticate" in asked["Location"]
    member.refresh_from_db()
    assert member.erased_at is None
    confirmed = client.post(reverse("account_reauthenticate"),
                            {"password": "correct-horse-battery-staple"})
    assert confirmed.status_code == 302
    response = client.post(reverse("accounts:delete"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.erased_at is not None
    assert "_auth_user_id" not in client.session


def test_a_curator_grants_a_role_on_the_people_page(signed_in, curator, member):
    client = signed_in(curator)
    page = client.get(reverse("people:list"), {"q": "maya"})
    assert page.status_code == 200 and "maya@example.org" in page.content.decode()
    form = client.get(reverse("people:roles", args=[member.pk])).content.decode()
    assert 'value="reviewer"' in form and 'value="curator"' not in form
    response = client.post(reverse("people:roles", args=[member.pk]),
                           {"roles": ["reviewer", "sponsor"]})
    assert response.status_code == 302
    member._hub_roles = None
    del member._hub_roles
    assert {Role.REVIEWER, Role.SPONSOR} <= role_names(member)
    assert AuditEntry.objects.filter(action="role.grant", actor=curator).count() == 2


def test_an_admin_can_make_someone_a_curator_on_the_people_page(signed_in, admin, member):
    client = signed_in(admin)
    client.post(reverse("people:roles", args=[member.pk]), {"roles": ["curator"]})
    assert Role.CURATOR in role_names(member)


@pytest.mark.parametrize("who", ["member", "practitioner", "reviewer", "sponsor"])
def test_people_pages_are_closed_to_non_staff(signed_in, request, who):
    client = signed_in(request.getfixturevalue(who))
    assert client.get(reverse("people:list")).status_code == 403
    assert client.get(reverse("people:allow_list")).status_code == 403


def test_a_curator_cannot_edit_the_allow_list(signed_in, curator):
    assert signed_in(curator).get(reverse("people:allow_list")).status_code == 403


def test_an_admin_adds_a_domain_and_a_bad_one_is_explained(signed_in, admin):
    client = signed_in(admin)
    bad = client.post(reverse("people:allow_list"), {"domain": "not a domain", "note": "x"})
    assert "Enter a domain like gov.uk" in bad.content.decode()
    assert 'value="not a domain"' in bad.content.decode()
    client.post(reverse("people:allow_list"), {"domain": "gov.im", "note": "Isle of Man"})
    assert PractitionerDomain.objects.filter(domain="gov.im").exists()


def test_a_member_requests_practitioner_status_and_a_curator_decides(signed_in, member, curator):
    client = signed_in(member)
    empty = client.post(reverse("accounts:practitioner_request"), {})
    assert "Enter the organisation you work for" in empty.content.decode()
    client.post(reverse("accounts:practitioner_request"),
                {"organisation_name": "Kent County Council", "role_description": "Librarian"})
    request_pk = member.practitioner_requests.get().pk
    client = signed_in(curator)
    assert "Kent County Council" in client.get(reverse("people:list")).content.decode()
    client.post(reverse("people:decide", args=[request_pk]), {"decision": "approve"})
    assert Role.PRACTITIONER in role_names(member)


def test_a_curator_without_two_factor_is_sent_to_set_it_up(signed_in, member, admin):
    from hub.accounts.services import role_grant

    role_grant(user=member, role=Role.CURATOR, by=admin)
    client = signed_in(member)
    response = client.get(reverse("people:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("accounts:home")).status_code == 200


def test_staff_without_two_factor_cannot_get_round_it_with_an_api_token(signed_in, member, admin):
    from hub.accounts.services import api_token_create, role_grant

    token, secret = api_token_create(user=member, name="made before becoming a curator")
    role_grant(user=member, role=Role.CURATOR, by=admin)
    client = signed_in(member)
    refused = client.post(reverse("accounts:token_create"), {"name": "another"})
    assert "Set up two-factor authentication before you create API tokens" in \
        refused.content.decode()
    assert ApiToken.objects.filter(user=member).count() == 1
    client.logout()
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]
