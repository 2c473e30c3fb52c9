"""/api/v1/cases: the published list with the list page's filters, one entry, and the whole
review workflow through the API, calling the same services as the pages."""

import datetime as dt

import pytest
from django.test import Client

from hub.accounts.services import api_token_create
from hub.directory.tests.factories import OrganisationFactory
from hub.library.models import Entry, ReviewComment, Status, Tag
from hub.library.taxonomy import ChallengeArea, EntryKind
from hub.library.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/cases"
UNPUBLISHED = [Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED,
               Status.ARCHIVED]


def bearer(user) -> dict:
    _token, secret = api_token_create(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def library(practitioner):
    nhs = OrganisationFactory(name="Leeds Teaching Hospitals", slug="leeds-teaching-hospitals",
                              abbreviation="LTH")
    reminders = EntryFactory(
        title="Text reminders cut missed appointments", challenge_area=ChallengeArea.HEALTH,
        countries=["GB"], country_text="", start_year=2015, evidence_level=3,
        organisation_names=["Leeds Teaching Hospitals", "A local charity"],
        published_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
    )
    reminders.organisations.add(nhs)
    nudges = Tag.objects.create(name="Nudges", slug="nudges")
    reminders.tags.add(nudges)
    tax = EntryFactory(
        title="Prefilled tax returns", kind=EntryKind.INTERNATIONAL,
        challenge_area=ChallengeArea.TAX, countries=["DK"], country_text="Denmark",
        start_year=2008, evidence_level=4,
        published_at=dt.datetime(2026, 1, 3, tzinfo=dt.UTC),
    )
    buses = EntryFactory(
        title="Demand-responsive buses", kind=EntryKind.METHOD,
        challenge_area=ChallengeArea.TRANSPORT, countries=["FR"], country_text="",
        start_year=2021, evidence_level=1,
        published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    hidden = [EntryFactory(title=f"Hidden {state}", status=state, author=practitioner,
                           challenge_area=ChallengeArea.HEALTH, published_at=None)
              for state in UNPUBLISHED]
    return {"reminders": reminders, "tax": tax, "buses": buses, "hidden": hidden, "nhs": nhs}


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


# --- The list -------------------------------------------------------------------------------


def test_the_list_has_only_published_entries_whoever_asks(client, library, curator):
    expected = ["Prefilled tax returns", "Text reminders cut missed appointments",
                "Demand-responsive buses"]
    assert titles(client.get(LIST)) == expected
    assert titles(client.get(LIST, **bearer(curator))) == expected
    assert client.get(LIST).json()["count"] == 3


def test_each_result_has_the_documented_fields(client, library):
    row = next(row for row in client.get(LIST).json()["results"]
               if row["slug"] == library["reminders"].slug)
    entry = library["reminders"]
    assert row == {
        "id": entry.pk,
        "source_id": entry.source_id,
        "slug": entry.slug,
        "title": "Text reminders cut missed appointments",
        "kind": "case-study",
        "summary": entry.summary,
        "challenge_area": "health-and-social-care",
        "country": "United Kingdom",
        "countries": ["GB"],
        "organisations": [
            {"name": "Leeds Teaching Hospitals", "slug": "leeds-teaching-hospitals",
             "url": "/organisations/leeds-teaching-hospitals/"},
            {"name": "A local charity", "slug": None, "url": None},
        ],
        "year": 2015,
        "evidence_level": 3,
        "status": "published",
        "url": f"/library/entries/{entry.slug}/",
        "api_url": f"/api/v1/cases/{entry.pk}",
    }


@pytest.mark.parametrize(("params", "expected"), [
    ({"q": "tax returns"}, ["Prefilled tax returns"]),
    ({"kind": "method"}, ["Demand-responsive buses"]),
    ({"kind": ["method", "international"]}, ["Prefilled tax returns", "Demand-responsive buses"]),
    ({"challenge_area": ["transport", "tax-and-revenue"]},
     ["Prefilled tax returns", "Demand-responsive buses"]),
    ({"country": "FR"}, ["Demand-responsive buses"]),
    ({"country": ["DK", "FR"]}, ["Prefilled tax returns", "Demand-responsive buses"]),
    ({"year_from": 2020, "year_to": 2010}, []),
    ({"evidence_level": [3, 4]}, ["Prefilled tax returns",
                                  "Text reminders cut missed appointments"]),
    ({"year_from": 2010, "year_to": 2016}, ["Text reminders cut missed appointments"]),
    ({"tag": "nudges"}, ["Text reminders cut missed appointments"]),
    ({"organisation": "leeds-teaching-hospitals"}, ["Text reminders cut missed appointments"]),
    ({"sort": "title"}, ["Demand-responsive buses", "Prefilled tax returns",
                         "Text reminders cut missed appointments"]),
    ({"sort": "year"}, ["Demand-responsive buses", "Text reminders cut missed appointments",
                        "Prefilled tax returns"]),
    ({"q": "Hidden"}, []),
])
def test_the_filters_of_the_list_page_work_and_may_be_repeated(client, library, params,
                                                               expected):
    assert titles(client.get(LIST, params)) == expected


@pytest.mark.parametrize(("params", "field"), [
    ({"kind": "spaceship"}, "kind"),
    ({"kind": ["method", "spaceship"]}, "kind"),
    ({"challenge_area": "space"}, "challenge_area"),
    ({"country": "Atlantis"}, "country"),
    ({"country": ["GB", "XX"]}, "country"),
    ({"evidence_level": 6}, "evidence_level"),
    ({"evidence_level": "high"}, "evidence_level"),
    ({"year_from": "last year"}, "year_from"),
    ({"year_from": 99999999999999999999}, "year_from"),
    ({"tag": "not a slug!"}, "tag"),
    ({"sort": "random"}, "sort"),
    ({"q": "x" * 201}, "q"),
    ({"q": "nul\x00byte"}, "q"),
    ({"limit": 0}, "limit"),
    ({"limit": 101}, "limit"),
])
def test_bad_filters_are_a_422_naming_the_field(client, params, field):
    response = client.get(LIST, params)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Some of the values sent are not valid."
    assert field in [error["field"] for error in body["errors"]]


@pytest.mark.parametrize("limit", [5, 100])
def test_the_list_runs_the_same_queries_whatever_the_limit(client, django_assert_max_num_queries,
                                                           limit):
    tags = [Tag.objects.create(name=f"Tag {n}", slug=f"tag-{n}") for n in range(3)]
    organisation = OrganisationFactory()
    for _ in range(100):
        entry = EntryFactory(organisation_names=[organisation.name, "Someone else"])
        entry.tags.set(tags)
        entry.organisations.add(organisation)
    with django_assert_max_num_queries(4):
        response = Client().get(LIST, {"limit": limit})
    assert len(response.json()["results"]) == limit


# --- One entry ------------------------------------------------------------------------------


def test_one_entry_by_id_or_slug_with_every_field(client, library):
    entry = library["reminders"]
    by_id = client.get(f"{LIST}/{entry.pk}").json()
    assert client.get(f"{LIST}/{entry.slug}").json() == by_id
    assert by_id["tags"] == [{"name": "Nudges", "slug": "nudges"}]
    assert by_id["evidence_level_label"].startswith("Level 3")
    assert by_id["challenge_area_label"] == "Health and social care"
    assert by_id["status_label"] == "Published"
    assert by_id["attachments"] == [] and by_id["links"] == []
    assert {"problem", "approach", "results", "lessons", "costs", "locality", "end_year",
            "origin_sector", "evidence_reason", "evaluation_type", "sources", "licence",
            "contacts", "contact_text", "author", "created_at", "updated_at", "submitted_at",
            "published_at"} <= set(by_id)


def test_hidden_entries_are_a_json_404(client, library, signed_in, member, outsider):
    draft = library["hidden"][0]
    for caller in ({}, bearer(member), bearer(outsider)):
        for key in (draft.pk, draft.slug):
            response = client.get(f"{LIST}/{key}", **caller)
            assert response.status_code == 404
            assert response.json() == {"detail": "Not found."}
    assert client.get(f"{LIST}/no-such-entry").status_code == 404
    assert client.get(f"{LIST}/99999999").status_code == 404


def test_authors_and_curators_see_unpublished_entries(client, library, practitioner, curator):
    draft = library["hidden"][0]
    assert client.get(f"{LIST}/{draft.pk}", **bearer(practitioner)).json()["status"] == "draft"
    assert client.get(f"{LIST}/{draft.pk}", **bearer(curator)).status_code == 200


def test_mine_lists_my_entries_in_every_state(client, library, practitioner, member):
    response = client.get(f"{LIST}/mine", **bearer(practitioner))
    assert response.status_code == 200
    assert {row["status"] for row in response.json()["results"]} == set(UNPUBLISHED)
    assert client.get(f"{LIST}/mine", **bearer(member)).json()["count"] == 0
    assert client.get(f"{LIST}/mine").status_code == 401


# --- The workflow ---------------------------------------------------------------------------

NEW_CASE = {
    "title": "Council tax reminders by text",
    "summary": "A borough council sent text reminders before council tax was due.",
    "challenge_area": "tax-and-revenue",
    "countries": ["United Kingdom"],
    "organisations": [],
    "organisation_names": ["A borough council"],
    "start_year": 2019,
    "evidence_level": 2,
    "tags": ["Nudges", "Text messages"],
    "links": [{"title": "Evaluation", "url": "https://example.org/evaluation"}],
}


def _csrf_session(user) -> Client:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    browser.get("/library/entries/")  # sets the CSRF cookie
    return browser


def _post(browser: Client, url: str, data=None):
    token = browser.cookies["csrftoken"].value
    return browser.post(url, data or {}, content_type="application/json",
                        HTTP_X_CSRFTOKEN=token)


def test_a_case_goes_from_draft_to_published_through_the_api(client, practitioner, curator):
    author = bearer(practitioner)
    created = client.post(LIST, NEW_CASE, content_type="application/json", **author)
    assert created.status_code == 201, created.content
    case = created.json()
    assert (case["status"], case["countries"], case["author"]) == (
        "draft", ["GB"], "Priya Practitioner")
    assert [tag["name"] for tag in case["tags"]] == ["Nudges", "Text messages"]
    assert case["links"] == [{"title": "Evaluation", "url": "https://example.org/evaluation"}]
    url = f"{LIST}/{case['id']}"
    assert case["api_url"] == url
    assert client.get(LIST).json()["count"] == 0  # not published yet

    assert client.post(f"{url}/submit", **author).json()["status"] == "submitted"

    # The curator uses the browser session, with its CSRF token.
    browser = _csrf_session(curator)
    assert browser.post(f"{url}/request-changes", {"message": "Add the results"},
                        content_type="application/json").status_code == 403  # no CSRF token
    sent_back = _post(browser, f"{url}/request-changes", {"message": "Add the results"})
    assert sent_back.status_code == 200, sent_back.content
    assert sent_back.json()["status"] == "changes-requested"
    assert ReviewComment.objects.get().body == "Add the results"

    edited = client.patch(url, {"results": "Payments on time rose by 8%."},
                          content_type="application/json", **author)
    assert edited.status_code == 200, edited.content
    assert edited.json()["results"] == "Payments on time rose by 8%."
    assert edited.json()["title"] == NEW_CASE["title"]  # untouched
    assert client.post(f"{url}/submit", **author).json()["status"] == "submitted"
    comment = client.post(f"{url}/comments", {"body": "Results added."},
                          content_type="application/json", **author)
    assert comment.status_code == 201 and comment.json()["author"] == "Priya Practitioner"

    curator_token = bearer(curator)
    assert client.post(f"{url}/review", **curator_token).json()["status"] == "in-review"
    published = client.post(f"{url}/publish", **curator_token)
    assert published.json()["status"] == "published"
    assert published.json()["published_at"]
    assert titles(client.get(LIST)) == [NEW_CASE["title"]]

    assert client.post(f"{url}/archive", **curator_token).json()["status"] == "archived"
    assert client.get(LIST).json()["count"] == 0
    assert client.post(f"{url}/restore", **curator_token).json()["status"] == "published"


def test_writes_need_credentials(client, library):
    entry = library["reminders"]
    assert client.post(LIST, NEW_CASE, content_type="application/json").status_code == 401
    assert client.post(f"{LIST}/{entry.pk}/publish").status_code == 401
    assert client.patch(f"{LIST}/{entry.pk}", {}, content_type="application/json"
                        ).status_code == 401


def test_members_cannot_create_entries_and_are_told_why(client, member):
    response = client.post(LIST, NEW_CASE, content_type="application/json", **bearer(member))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only practitioners and curators can add entries to the library."}


@pytest.mark.parametrize(("change", "field"), [
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"summary": None}, "summary"),
    ({"countries": ["Atlantis"]}, "countries"),
    ({"links": [{"url": "javascript:alert(1)"}]}, "links.url"),
    ({"sources": ["not a url"]}, "sources"),
    ({"organisations": ["no-such-body"]}, "organisations"),
    ({"start_year": 2020, "end_year": 2010}, "end_year"),
    ({"start_year": 99999}, "start_year"),
    ({"evidence_level": 9}, "evidence_level"),
    ({"challenge_area": "space"}, "challenge_area"),
    ({"kind": "novel"}, "kind"),
    ({"titel": "typo"}, "titel"),
])
def test_a_bad_new_case_is_a_422_per_field(client, practitioner, change, field):
    response = client.post(LIST, {**NEW_CASE, **change}, content_type="application/json",
                           **bearer(practitioner))
    assert response.status_code == 422, response.content
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not Entry.objects.exists()


def test_control_characters_are_dropped_and_spaces_trimmed(client, practitioner):
    response = client.post(LIST, {**NEW_CASE, "title": "  Nul\x00 bytes\x07 ", "summary": "Ok"},
                           content_type="application/json", **bearer(practitioner))
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "Nul bytes"


def test_a_body_that_is_not_json_is_refused_in_json(client, practitioner):
    response = client.post(LIST, "{not json", content_type="application/json",
                           **bearer(practitioner))
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


@pytest.mark.parametrize(("change", "field"), [
    ({"title": None}, "title"),
    ({"countries": ["Atlantis"]}, "countries"),
    ({"end_year": 1900}, "end_year"),
])
def test_a_bad_edit_is_a_422_and_changes_nothing(client, practitioner, change, field):
    entry = EntryFactory(author=practitioner, status=Status.DRAFT, start_year=2000,
                         published_at=None)
    response = client.patch(f"{LIST}/{entry.pk}", change, content_type="application/json",
                            **bearer(practitioner))
    assert response.status_code == 422, response.content
    assert field in [error["field"] for error in response.json()["errors"]]
    entry.refresh_from_db()
    assert entry.start_year == 2000 and entry.end_year is None


def test_a_transition_in_the_wrong_state_is_a_409_with_the_reason(client, practitioner,
                                                                   curator):
    submitted = EntryFactory(author=practitioner, status=Status.SUBMITTED, published_at=None)
    response = client.post(f"{LIST}/{submitted.pk}/submit", **bearer(practitioner))
    assert response.status_code == 409
    assert response.json()["detail"] == ("This entry cannot be submitted now. "
                                         "It is submitted.")
    edit = client.patch(f"{LIST}/{submitted.pk}", {"title": "New"},
                        content_type="application/json", **bearer(practitioner))
    assert edit.status_code == 409
    published = EntryFactory()
    assert client.post(f"{LIST}/{published.pk}/publish", **bearer(curator)).status_code == 409


def test_a_transition_the_caller_may_never_make_is_a_403_with_the_reason(client, practitioner,
                                                                        curator, member):
    draft = EntryFactory(author=practitioner, status=Status.DRAFT, published_at=None)
    response = client.post(f"{LIST}/{draft.pk}/submit", **bearer(curator))
    assert response.status_code == 403
    assert response.json()["detail"] == "This entry cannot be submitted now."
    published = EntryFactory()
    assert client.post(f"{LIST}/{published.pk}/archive", **bearer(member)).status_code == 403
    assert client.patch(f"{LIST}/{published.pk}", {"title": "Mine now"},
                        content_type="application/json", **bearer(member)).status_code == 403


def test_acting_on_an_entry_one_cannot_see_is_a_404(client, practitioner, outsider):
    draft = EntryFactory(author=practitioner, status=Status.DRAFT, published_at=None)
    for action in ("submit", "publish", "comments"):
        response = client.post(f"{LIST}/{draft.pk}/{action}", {"body": "x"},
                               content_type="application/json", **bearer(outsider))
        assert response.status_code == 404
    assert client.patch(f"{LIST}/{draft.pk}", {"title": "x"}, content_type="application/json",
                        **bearer(outsider)).status_code == 404


def test_requesting_changes_needs_a_message(client, practitioner, curator):
    submitted = EntryFactory(author=practitioner, status=Status.SUBMITTED, published_at=None)
    response = client.post(f"{LIST}/{submitted.pk}/request-changes", {"message": "  "},
                           content_type="application/json", **bearer(curator))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "message"


def test_the_openapi_description_lists_the_case_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/cases", "/api/v1/cases/mine", "/api/v1/cases/{id_or_slug}",
            "/api/v1/cases/{id_or_slug}/submit", "/api/v1/cases/{id_or_slug}/request-changes",
            "/api/v1/cases/{id_or_slug}/comments"} <= set(paths)
    assert set(paths["/api/v1/cases/{id_or_slug}"]) == {"get", "patch"}
