"""The directory's pages, /organisations/ and /organisations/<slug>/, on the real registers."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hub.directory import views
from hub.directory.models import Organisation
from hub.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("directory:list")


def _names(response) -> list[str]:
    return [organisation.name for organisation in response.context["page_obj"]]


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_searching_hmrc_finds_hm_revenue_and_customs_first(client, public_bodies):
    response = client.get(LIST, {"q": "HMRC"})
    assert response.status_code == 200
    assert _names(response)[0] == "HM Revenue & Customs"
    assert "HM Revenue &amp; Customs" in response.content.decode()


def test_searching_part_of_a_name_finds_councils_and_trusts(client, public_bodies):
    names = _names(client.get(LIST, {"q": "kent"}))
    assert "Kent County Council" in names
    assert "East Kent Hospitals University NHS Foundation Trust" in names


def test_a_council_is_found_by_another_name_it_is_known_by(client, public_bodies):
    assert "Isle of Anglesey County Council" in _names(client.get(LIST, {"q": "Anglesey"}))


def test_the_list_leaves_out_closed_bodies_unless_asked(client, public_bodies):
    open_only = client.get(LIST)
    assert open_only.context["page_obj"].paginator.count == 1417 - 73
    with_closed = client.get(LIST, {"include_closed": "on", "q": "Allerdale"})
    assert _names(with_closed) == ["Allerdale Borough Council"]
    assert "Closed" in with_closed.content.decode()
    assert _names(client.get(LIST, {"q": "Allerdale"})) == []


def test_filters_by_kind_and_nation_combine(client, public_bodies):
    response = client.get(LIST, {"kind": "local_authority", "nation": "wales"})
    assert response.context["page_obj"].paginator.count == 22
    body = response.content.decode()
    assert 'value="local_authority" checked' in body and 'value="wales" checked' in body
    several = client.get(LIST, {"kind": ["icb", "nhs_trust"], "nation": "england"})
    assert several.context["page_obj"].paginator.count == 42 + 239


def test_a_bad_filter_value_is_explained_and_the_rest_still_applies(client, public_bodies):
    response = client.get(LIST, {"kind": ["local_authority", "spaceship"], "nation": "wales"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and "Select kinds of organisation from the list" in body
    # The unknown kind is left out; the known one and the nation still apply, matching the
    # boxes shown ticked.
    assert response.context["page_obj"].paginator.count == 22
    assert 'value="local_authority" checked' in body


def test_the_list_pages_25_at_a_time_and_keeps_filters_in_page_links(client, public_bodies):
    first = client.get(LIST, {"kind": "local_authority"})
    assert len(first.context["page_obj"]) == 25
    assert "kind=local_authority&amp;page=2" in first.content.decode()
    second = client.get(LIST, {"kind": "local_authority", "page": 2})
    assert len(second.context["page_obj"]) == 25
    assert set(_names(first)).isdisjoint(_names(second))
    beyond = client.get(LIST, {"page": 9999})
    assert beyond.status_code == 200  # the last page, not an error


def test_the_result_count_is_shown(client, public_bodies):
    body = client.get(LIST, {"kind": "icb"}).content.decode()
    assert "42 organisations, showing 1 to 25" in body
    assert "No organisations match" in client.get(LIST, {"q": "zzzzqqq"}).content.decode()


def test_the_csv_download_holds_the_whole_filtered_list(client, public_bodies):
    response = client.get(LIST, {"kind": "icb", "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="organisations.csv"' in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:3] == ["name", "abbreviation", "kind"]
    assert len(rows) == 1 + 42
    devon = next(row for row in rows if row[0] == "NHS Devon Integrated Care Board")
    assert devon[2] == "Integrated care board" and devon[11] == "E54000037"
    assert devon[13].endswith("/organisations/nhs-devon-integrated-care-board/")


def test_the_csv_download_neutralises_formulas(client, public_bodies):
    OrganisationFactory(
        name='=HYPERLINK("http://evil.example")', abbreviation="+SUM(1)", slug="formula-partner"
    )
    rows = _csv(client.get(LIST, {"q": "HYPERLINK", "format": "csv"}))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example")'
    assert rows[1][1] == "'+SUM(1)"


@pytest.mark.parametrize("page_size", [5, 100])
def test_the_list_makes_the_same_few_queries_whatever_the_page_size(
    client, public_bodies, monkeypatch, django_assert_max_num_queries, page_size
):
    monkeypatch.setattr(views, "PAGE_SIZE", page_size)
    with django_assert_max_num_queries(2):
        response = client.get(LIST, {"include_closed": "on"})
    assert len(response.context["page_obj"]) == page_size


def test_query_counts_do_not_grow_with_page_size_for_a_signed_in_curator(
    client, public_bodies, curator, monkeypatch
):
    client.force_login(curator, backend="django.contrib.auth.backends.ModelBackend")
    counts = []
    for size in (5, 100):
        monkeypatch.setattr(views, "PAGE_SIZE", size)
        with CaptureQueriesContext(connection) as queries:
            client.get(LIST, {"q": "council"})
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_detail_page_shows_a_summary_and_links_to_parents_and_children(client, public_bodies):
    response = client.get(reverse("directory:detail", args=["hm-revenue-customs"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-summary-list" in body and "Non-ministerial department" in body
    assert "HMRC" in body and "hm-revenue-customs" in body
    assert 'href="/organisations/valuation-office-agency/"' in body
    agency = client.get(reverse("directory:detail", args=["valuation-office-agency"]))
    assert 'href="/organisations/hm-revenue-customs/"' in agency.content.decode()


def test_the_detail_page_makes_a_fixed_number_of_queries(
    client, public_bodies, django_assert_max_num_queries
):
    # The Cabinet Office has dozens of children: they come in one query, not one each. One
    # more query is the library's "Case studies" section.
    with django_assert_max_num_queries(5):
        client.get(reverse("directory:detail", args=["cabinet-office"]))


def test_a_closed_body_says_so_and_when(client, public_bodies):
    body = client.get(reverse("directory:detail", args=["allerdale-borough-council"])).content
    body = body.decode()
    assert "Closed" in body and "1 April 2023" in body
    assert "Non-metropolitan district" in body and "ALL" in body


def test_the_people_case_studies_and_challenges_sections_say_honestly_what_is_there(
    client, public_bodies, member, practitioner
):
    hmrc = Organisation.objects.get(slug="hm-revenue-customs")
    member.organisation = hmrc
    member.save()
    practitioner.organisation = hmrc
    practitioner.erased_at = practitioner.date_joined
    practitioner.save()
    as_visitor = client.get(reverse("directory:detail", args=["hm-revenue-customs"]))
    assert "Maya Member" not in as_visitor.content.decode()
    assert "Sign in</a> to see who on the hub works here" in as_visitor.content.decode()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    body = client.get(reverse("directory:detail", args=["hm-revenue-customs"])).content.decode()
    assert "Maya Member" in body
    assert "Priya Practitioner" not in body and "former member" not in body
    assert "No case studies in the library involve HM Revenue &amp; Customs yet." in body
    assert "No challenges are recorded for HM Revenue &amp; Customs yet." in body
    empty = client.get(reverse("directory:detail", args=["valuation-office-agency"]))
    assert "Nobody on the hub has said they work here yet." in empty.content.decode()


def test_an_unknown_organisation_is_not_found(client, public_bodies):
    assert client.get(reverse("directory:detail", args=["no-such-body"])).status_code == 404
