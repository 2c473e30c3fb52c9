import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["core:home", "core:accessibility", "core:privacy",
                                  "core:cookies"])
def test_public_pages_use_the_hub_layout(client, name):
    response = client.get(reverse(name))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="govuk-skip-link"' in body
    assert "govuk-generic-header" in body and ">Innovation Hub<" in body
    assert "govuk-phase-banner" in body and "govuk-footer" in body
    assert reverse("core:accessibility") in body and reverse("core:privacy") in body
    assert reverse("core:cookies") in body
    # Not a GOV.UK service: no crown, no GDS Transport.
    assert "govuk-logo" not in body and "crown" not in body.lower()


def test_the_cookies_page_says_only_essential_cookies_are_used(client):
    body = client.get(reverse("core:cookies")).content.decode()
    assert "only essential cookies" in body


def test_an_unknown_page_gets_the_gov_uk_not_found_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@override_settings(DEBUG=False)
def test_a_forged_form_gets_a_clear_403(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("accounts:token_create"), {"name": "x"})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()


def test_security_headers_are_sent(client):
    response = client.get(reverse("core:home"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_pages_have_no_inline_script(client):
    body = client.get(reverse("core:home")).content.decode()
    assert "<script>" not in body
    assert '<script type="module" src="/static/js/hub.mjs">' in body


def test_the_health_check_reports_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"]["status"] == "ok" and data["cache"]["status"] == "ok"


def test_a_server_error_gets_the_gov_uk_sorry_page(rf):
    from hub.core.views import error_500

    response = error_500(rf.get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    assert "govuk-footer" in body


def test_a_bad_request_gets_the_gov_uk_problem_page(rf):
    from hub.core.views import error_400

    response = error_400(rf.get("/"))
    assert response.status_code == 400
    assert "There is a problem with your request" in response.content.decode()


def test_a_permission_error_gets_the_gov_uk_page(client, member):
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("core:audit_log"))
    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.content.decode()
