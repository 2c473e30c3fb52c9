"""What every API client relies on, whatever the endpoint."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_openapi_description_is_version_3_1_and_lists_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.1")
    assert {"/api/v1/organisations", "/api/v1/organisations/{slug}", "/api/v1/me"} <= set(
        spec["paths"]
    )


def test_the_docs_page_loads_nothing_from_other_sites(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', body)
    assert sources, "the docs page has scripts and styles"
    assert all(source.startswith("/") for source in sources), sources


def test_without_credentials_me_is_a_json_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "The API token is missing, wrong or revoked."}


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer hub_wrong", "Basic abc",
                                    "Bearer"])
def test_a_bad_authorization_header_is_a_401_not_a_visitor(client, header):
    response = client.get("/api/v1/organisations", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_a_session_works_for_the_browser(client, practitioner):
    client.force_login(practitioner, backend="django.contrib.auth.backends.ModelBackend")
    data = client.get("/api/v1/me").json()
    assert data == {"email": "priya@dwp.gov.uk", "display_name": "Priya Practitioner",
                    "roles": ["member", "practitioner"]}


def test_an_unknown_api_path_is_not_found(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404


def test_a_wrong_type_in_the_body_names_the_field(client, practitioner):
    from hub.library.models import Status
    from hub.library.tests.factories import EntryFactory

    entry = EntryFactory(status=Status.SUBMITTED, author=practitioner)
    client.force_login(practitioner, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(f"/api/v1/cases/{entry.pk}/comments", {"body": 5},
                           content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


def test_a_body_that_is_not_json_is_a_400_that_says_so(client, practitioner):
    client.force_login(practitioner, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/api/v1/cases", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "The request body is not valid JSON: send a JSON object."
