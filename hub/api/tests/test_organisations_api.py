"""GET /api/v1/organisations and /api/v1/organisations/{slug} on the real registers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.directory.models import Organisation

pytestmark = pytest.mark.django_db

LIST = "/api/v1/organisations"


def test_the_list_gives_a_count_and_results_with_links(client, public_bodies):
    response = client.get(LIST)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == Organisation.objects.open().count() == 1417 - 73
    assert len(data["results"]) == 20  # the default page size
    first = data["results"][0]
    assert set(first) == {
        "slug",
        "name",
        "abbreviation",
        "kind",
        "kind_label",
        "nation",
        "status",
        "url",
        "api_url",
    }
    assert first["url"] == f"/organisations/{first['slug']}/"
    assert first["api_url"] == f"/api/v1/organisations/{first['slug']}"


def test_searching_hmrc_finds_hm_revenue_and_customs_first(client, public_bodies):
    first = client.get(LIST, {"q": "HMRC"}).json()["results"][0]
    assert first["name"] == "HM Revenue & Customs"
    assert (first["kind"], first["kind_label"]) == (
        "non_ministerial_department",
        "Non-ministerial department",
    )


def test_kind_and_nation_filter_and_kind_may_be_repeated(client, public_bodies):
    icbs = client.get(LIST, {"kind": "icb", "limit": 100}).json()
    assert icbs["count"] == 42 and {row["kind"] for row in icbs["results"]} == {"icb"}
    welsh_nhs = client.get(LIST, {"kind": ["icb", "nhs_trust"], "nation": "wales"}).json()
    assert welsh_nhs["count"] == 3
    assert {row["nation"] for row in welsh_nhs["results"]} == {"wales"}


def test_closed_bodies_come_only_when_asked(client, public_bodies):
    assert client.get(LIST, {"q": "Allerdale"}).json()["count"] == 0
    closed = client.get(LIST, {"q": "Allerdale", "include_closed": "true"}).json()
    assert closed["results"][0]["status"] == "closed"


def test_limit_and_offset_page_through_the_list(client, public_bodies):
    everything = client.get(LIST, {"kind": "icb", "limit": 42}).json()["results"]
    page = client.get(LIST, {"kind": "icb", "limit": 5, "offset": 10}).json()["results"]
    assert [row["slug"] for row in page] == [row["slug"] for row in everything[10:15]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "spaceship"}, "kind"),
        ({"kind": ["icb", "spaceship"]}, "kind"),
        ({"nation": "mars"}, "nation"),
        ({"include_closed": "perhaps"}, "include_closed"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"offset": -1}, "offset"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_values_are_a_422_naming_the_field(client, params, field):
    response = client.get(LIST, params)
    assert response.status_code == 422
    data = response.json()
    assert data["detail"] == "Some of the values sent are not valid."
    assert data["errors"][0]["field"] == field


def test_a_nul_character_in_a_search_is_harmless(client):
    assert client.get(LIST, {"q": "HM\x00RC"}).status_code == 200
    assert client.get(f"{LIST}/%00").status_code == 404


def test_the_detail_gives_parents_and_children(client, public_bodies):
    response = client.get(f"{LIST}/valuation-office-agency")
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "Valuation Office Agency"
    assert {
        "slug": "hm-revenue-customs",
        "name": "HM Revenue & Customs",
        "url": "/organisations/hm-revenue-customs/",
    } in data["parents"]
    hmrc = client.get(f"{LIST}/hm-revenue-customs").json()
    assert "valuation-office-agency" in {child["slug"] for child in hmrc["children"]}
    assert hmrc["codes"]["govuk_slug"] == "hm-revenue-customs"
    assert hmrc["abbreviation"] == "HMRC" and hmrc["status"] == "open"


def test_the_detail_of_a_former_council_shows_when_it_closed(client, public_bodies):
    data = client.get(f"{LIST}/allerdale-borough-council").json()
    assert (data["status"], data["closed_on"]) == ("closed", "2023-04-01")
    assert data["codes"]["la_code"] == "ALL"
    assert data["local_authority_type"] == "Non-metropolitan district"


def test_an_unknown_slug_is_a_json_404(client, public_bodies):
    response = client.get(f"{LIST}/no-such-body")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_the_list_makes_the_same_few_queries_whatever_the_page_size(
    client, public_bodies, django_assert_max_num_queries
):
    counts = []
    for limit in (5, 100):
        with django_assert_max_num_queries(2), CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, {"limit": limit, "include_closed": "true"})
        assert len(response.json()["results"]) == limit
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_detail_makes_a_fixed_number_of_queries(
    client, public_bodies, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get(f"{LIST}/cabinet-office")
    assert len(response.json()["children"]) > 30


def test_the_openapi_description_lists_the_choices(client):
    spec = client.get("/api/v1/openapi.json").json()
    parameters = {
        parameter["name"]: parameter
        for parameter in spec["paths"]["/api/v1/organisations"]["get"]["parameters"]
    }
    assert "icb" in parameters["kind"]["schema"]["items"]["enum"]
    assert "/api/v1/organisations/{slug}" in spec["paths"]
