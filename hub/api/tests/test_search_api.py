"""/api/v1/search and /api/v1/search/similar (DESIGN §5.3) on the real cases of
data/cases.jsonl, imported once for this module: the documented shape, best first, limits,
filters, clear 422s for bad input and never a 500; questions it cannot answer are counted,
without personal data. Who sees what is tested cell by cell in hub/search/tests."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.library.models import Entry, Status
from hub.library.tests.factories import EntryFactory
from hub.search.models import Document, UnansweredQuery
from hub.search.services import index_objects
from hub.search.tests import fixtures

pytestmark = pytest.mark.django_db

# The real cases, imported once for this module, and a fresh read of the vectors per test.
real_cases = fixtures.real_cases
_fresh_vector_index = fixtures._fresh_vector_index

SEARCH = "/api/v1/search"
SIMILAR = "/api/v1/search/similar"
GOOD_QUERY = "text message reminders for missed hospital appointments"
POOR_QUERY = "zzqxv florp"
DOCUMENTED = {"kind": str, "id": int, "source_id": str, "title": str, "url": str,
              "score": float}


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def refused(response) -> dict:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"]
    return body


def similar(client, **payload):
    return client.post(SIMILAR, payload, content_type="application/json")


# --- The documented answer ------------------------------------------------------------------


def test_search_answers_in_the_documented_shape(client, real_cases):
    body = ok(client.get(SEARCH, {"q": GOOD_QUERY, "kind": "case", "limit": 5}))
    assert {"count", "results"} <= set(body)
    assert isinstance(body["count"], int) and body["count"] >= len(body["results"]) == 5
    by_pk = {entry.pk: entry for entry in real_cases.values()}
    for row in body["results"]:
        assert {name: type(row[name]) for name in DOCUMENTED} == DOCUMENTED, row
        entry = by_pk[row["id"]]
        assert row["kind"] == "case"
        assert row["source_id"] == entry.source_id  # the id given at import
        assert row["title"] == entry.title
        assert row["url"] == entry.get_absolute_url()
    assert body["results"][0]["source_id"] == "c138"  # SMS reminders of missed appointments


def test_search_says_which_places_the_query_names_and_country_keeps_only_them(
        client, real_cases):
    body = ok(client.get(SEARCH, {"q": "e-government in the Baltic states"}))
    assert body["places"] == ["EE", "LT", "LV"]
    assert ok(client.get(SEARCH, {"q": GOOD_QUERY}))["places"] == []
    only = ok(client.get(SEARCH, {"q": "e-government in the Baltic states",
                                  "country": body["places"]}))
    assert only["count"] >= 1
    assert {row["source_id"] for row in only["results"]} <= {
        case.source_id for case in real_cases.values()
        if {country.code for country in case.countries} & {"EE", "LT", "LV"}}


def test_results_are_best_first(client, real_cases):
    for query in (GOOD_QUERY, "letters that get people to pay tax on time", "housing"):
        for method in ("hybrid", "lexical", "semantic"):
            scores = [row["score"] for row in ok(client.get(
                SEARCH, {"q": query, "limit": 100, "method": method}))["results"]]
            assert scores, (query, method)
            assert scores == sorted(scores, reverse=True), (query, method)


def test_limit_and_offset_page_through_the_same_ranking(client, real_cases):
    everything = ok(client.get(SEARCH, {"q": GOOD_QUERY, "limit": 100}))
    assert everything["count"] == len(everything["results"]) > 6
    ids = [row["id"] for row in everything["results"]]
    first = ok(client.get(SEARCH, {"q": GOOD_QUERY, "limit": 3}))
    second = ok(client.get(SEARCH, {"q": GOOD_QUERY, "limit": 3, "offset": 3}))
    assert [row["id"] for row in first["results"]] == ids[:3]
    assert [row["id"] for row in second["results"]] == ids[3:6]
    assert first["count"] == second["count"] == everything["count"]
    assert ok(client.get(SEARCH, {"q": GOOD_QUERY}))["results"] == everything["results"][:10]


def test_kind_case_returns_cases(client, real_cases):
    body = ok(client.get(SEARCH, {"q": GOOD_QUERY, "kind": "case"}))
    assert body["results"] and {row["kind"] for row in body["results"]} == {"case"}


@pytest.mark.parametrize("kinds", [["idea"], ["case", "idea"], ["Case"]])
def test_an_unknown_kind_is_a_422_that_says_which_kinds_exist(client, real_cases, kinds):
    for response in (client.get(SEARCH, {"q": GOOD_QUERY, "kind": kinds}),
                     similar(client, title="SMS reminders", text="for appointments",
                             kind=kinds)):
        body = refused(response)
        reasons = [error["message"] for error in body["errors"]
                   if error["field"].startswith("kind")]
        assert reasons and all("case" in reason for reason in reasons), body


def test_a_facet_filter_returns_only_results_with_that_value(client, real_cases):
    everything = ok(client.get(SEARCH, {"q": GOOD_QUERY, "limit": 100}))
    british = ok(client.get(SEARCH, {"q": GOOD_QUERY, "limit": 100, "country": "GB"}))
    assert 0 < british["count"] < everything["count"]
    for row in british["results"]:
        assert "GB" in Entry.objects.get(pk=row["id"]).countries, row["title"]
    assert {row["id"] for row in british["results"]} == {
        row["id"] for row in everything["results"]
        if "GB" in Entry.objects.get(pk=row["id"]).countries}
    # Facet counts ignore the chosen filter, so people see what another choice would give.
    assert len(british["facets"]["country"]) > 1


def test_facet_counts_count_the_results(client, real_cases):
    body = ok(client.get(SEARCH, {"q": GOOD_QUERY, "limit": 100}))
    assert body["facets"]["kind"] == [{"value": "case", "label": "Cases",
                                       "count": body["count"]}]
    expected: dict[str, int] = {}
    for row in body["results"]:
        for code in Entry.objects.get(pk=row["id"]).countries:
            expected[code.code] = expected.get(code.code, 0) + 1
    assert {row["value"]: row["count"] for row in body["facets"]["country"]} == expected
    united_kingdom = next(row for row in body["facets"]["country"] if row["value"] == "GB")
    assert united_kingdom["label"] == "United Kingdom"


def test_each_method_can_be_asked_for_and_no_other(client, real_cases):
    for method in ("hybrid", "lexical", "semantic"):
        assert ok(client.get(SEARCH, {"q": GOOD_QUERY, "method": method}))["count"]
    refused(client.get(SEARCH, {"q": GOOD_QUERY, "method": "magic"}))


def test_a_signed_in_author_finds_their_own_draft_through_the_session(
        client, signed_in, practitioner, real_cases):
    draft = EntryFactory(title="Hedgehog highways through back gardens", status=Status.DRAFT,
                         author=practitioner)
    index_objects("case", [draft.pk])
    assert draft.pk not in [row["id"] for row in ok(client.get(SEARCH, {"q": "hedgehog"}))[
        "results"]]
    mine = ok(signed_in(practitioner).get(SEARCH, {"q": "hedgehog"}))
    assert mine["results"][0]["id"] == draft.pk


# --- Bad input: a clear 422, never a 500 ----------------------------------------------------


@pytest.mark.parametrize("params", [
    {},
    {"q": ""},
    {"q": "x" * 301},
    {"q": "tax\x00letters"},
    {"q": GOOD_QUERY, "limit": 0},
    {"q": GOOD_QUERY, "limit": 101},
    {"q": GOOD_QUERY, "limit": "ten"},
    {"q": GOOD_QUERY, "offset": -1},
    {"q": GOOD_QUERY, "offset": 101},
    {"q": GOOD_QUERY, "country": "x" * 101},
], ids=["no-q", "empty-q", "q-too-long", "control-character", "limit-0", "limit-101",
        "limit-not-a-number", "offset-negative", "offset-too-large", "facet-too-long"])
def test_bad_search_parameters_are_a_422_naming_the_field(client, real_cases, params):
    body = refused(client.get(SEARCH, params))
    assert body["errors"] and all(error["field"] and error["message"]
                                  for error in body["errors"])


def test_the_longest_allowed_query_is_answered(client, real_cases):
    ok(client.get(SEARCH, {"q": ("tax letters " * 30)[:300]}))


@pytest.mark.parametrize("query", [
    'tax" OR title:* NEAR(a b) -letters',
    "tax & letters | !(late) <-> x:*",
    "'); DROP TABLE search_document;--",
    "*", "-", '"', "the and of", "税务 信件", "🙂", "café crème brûlée", "a" * 300,
    "%", "\\", "NULL", "1e309", "0" * 300,
])
def test_odd_queries_are_answered_not_crashed_on(client, real_cases, query):
    for method in ("hybrid", "lexical", "semantic"):
        body = ok(client.get(SEARCH, {"q": query, "method": method}))
        assert len(body["results"]) == min(body["count"], 10)
        scores = [row["score"] for row in body["results"]]
        assert scores == sorted(scores, reverse=True)


# --- What already exists like this? ---------------------------------------------------------


def test_similar_finds_the_closest_cases_to_a_text_about_sms_appointment_reminders(
        client, real_cases):
    body = ok(similar(client, title="Text message reminders for hospital appointments",
                      text="Patients get an SMS a few days before their outpatient "
                           "appointment so that fewer of them miss it."))
    assert body["results"][0]["source_id"] == "c138"
    assert body["count"] == len(body["results"]) <= 5
    for row in body["results"]:
        assert {name: type(row[name]) for name in DOCUMENTED} == DOCUMENTED
    scores = [row["score"] for row in body["results"]]
    assert scores == sorted(scores, reverse=True)
    limited = ok(similar(client, title="Text message reminders for hospital appointments",
                         text="Fewer missed appointments.", limit=2))
    assert limited["count"] == len(limited["results"]) <= 2


def test_similar_reads_its_results_texts_together_however_many_are_asked_for(
        client, real_cases, django_assert_num_queries):
    def ask(limit: int) -> dict:
        return ok(similar(client, title="Text message reminders for hospital appointments",
                          text="Patients get an SMS before their appointment.", limit=limit))

    ask(2)  # the index loaded and the text's vector made, before queries are counted
    with CaptureQueriesContext(connection) as few:
        assert ask(2)["count"] == 2
    assert len(few.captured_queries) <= 3  # the index's state, the hits, their texts
    with django_assert_num_queries(len(few.captured_queries)):
        assert ask(20)["count"] > 5


@pytest.mark.parametrize(("payload", "says"), [
    ({}, "required"),
    ({"title": "", "text": ""}, "two words"),
    ({"title": "Text message reminders for appointments"}, "required"),
    ({"text": "   reminders   "}, "two words"),
], ids=["nothing", "empty", "title-without-text", "one-word-text"])
def test_similar_needs_at_least_two_words_of_text(client, real_cases, payload, says):
    body = refused(similar(client, **payload))
    assert [error["field"] for error in body["errors"]] == ["text"]
    assert says in body["errors"][0]["message"].lower()


@pytest.mark.parametrize("payload", [
    {"title": "x" * 301, "text": "sms reminders"},
    {"title": "SMS reminders", "text": "x " * 10001},
    {"title": "SMS reminders", "text": "for appointments", "limit": 0},
    {"title": "SMS reminders", "text": "for appointments", "limit": 21},
    {"title": "SMS\x00reminders", "text": "for appointments"},
    {"title": ["SMS"], "text": "for appointments"},
], ids=["title-too-long", "text-too-long", "limit-0", "limit-21", "control-character",
        "title-not-text"])
def test_bad_similar_requests_are_a_422(client, real_cases, payload):
    assert refused(similar(client, **payload))["errors"]


def test_a_body_that_is_not_json_is_a_400_not_a_500(client, real_cases):
    response = client.post(SIMILAR, "title=SMS", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


# --- Questions the hub cannot answer yet ----------------------------------------------------


def test_a_poor_query_is_recorded_and_counted_again_when_someone_else_asks_it(
        client, real_cases):
    ok(client.get(SEARCH, {"q": POOR_QUERY}))
    record = UnansweredQuery.objects.get()
    assert record.text == POOR_QUERY and record.times == 1
    assert 0 < record.best_score < 0.35  # how close the nearest came: a poor answer
    ok(client.get(SEARCH, {"q": "  ZZQXV   Florp "}))  # the same visitor, again: once a day
    record.refresh_from_db()
    assert record.times == 1
    ok(client.get(SEARCH, {"q": "  ZZQXV   Florp "}, REMOTE_ADDR="192.0.2.7"))
    record.refresh_from_db()
    assert record.times == 2
    assert UnansweredQuery.objects.count() == 1


def test_words_that_say_nothing_are_not_recorded(client, real_cases):
    for query in ("and", "*", "- -", "the of and"):
        ok(client.get(SEARCH, {"q": query}))
    assert not UnansweredQuery.objects.exists()


def test_a_good_query_is_not_recorded(client, real_cases):
    for query in (GOOD_QUERY, "letters that get people to pay tax on time"):
        ok(client.get(SEARCH, {"q": query}))
    assert not UnansweredQuery.objects.exists()


def test_a_recorded_query_keeps_no_email_address_or_long_number(client, real_cases):
    ok(client.get(SEARCH, {"q": f"{POOR_QUERY} jane.doe@example.org QQ 12 34 56 C 07700900123"}))
    text = UnansweredQuery.objects.get().text
    assert text.startswith(POOR_QUERY)
    assert "jane" not in text and "@" not in text and "example" not in text
    assert not any(char.isdigit() for char in text), text


def test_only_the_first_page_of_an_unfiltered_hybrid_search_is_counted(client, real_cases):
    ok(client.get(SEARCH, {"q": POOR_QUERY}))
    ok(client.get(SEARCH, {"q": POOR_QUERY, "offset": 10}))       # the next page
    ok(client.get(SEARCH, {"q": POOR_QUERY, "country": "GB"}))    # a filter narrowed it
    ok(client.get(SEARCH, {"q": POOR_QUERY, "kind": "case"}))     # so did a kind, as on the page
    ok(client.get(SEARCH, {"q": POOR_QUERY, "method": "lexical"}))  # a comparison
    assert UnansweredQuery.objects.get().times == 1


def test_a_query_that_names_a_case_is_answered_not_recorded_as_a_gap(client, real_cases):
    # "PAAVO" and "BITUP" are in the titles of the cases that answer them, and the search
    # puts those cases first: the hub has answered, curators have no gap to fill.
    for query, case in (("PAAVO", "c053"), ("BITUP", "c126")):
        body = ok(client.get(SEARCH, {"q": query}))
        assert body["results"][0]["source_id"] == case
        assert query in body["results"][0]["title"]
    assert list(UnansweredQuery.objects.values_list("text", flat=True)) == []


# --- Credentials ----------------------------------------------------------------------------


def test_a_visitors_script_may_ask_what_already_exists_without_credentials(real_cases):
    from django.test import Client

    spec = Client().get("/api/v1/openapi.json").json()
    # The description tells clients that visitors may call it without credentials …
    assert {} in spec["paths"][SIMILAR]["post"]["security"]
    # … so a script with no token, no session and no CSRF cookie is answered.
    script = Client(enforce_csrf_checks=True)
    response = script.post(SIMILAR, {"title": "Text message reminders",
                                     "text": "for hospital appointments"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["results"][0]["source_id"] == "c138"


def test_a_hidden_draft_changes_nothing_a_visitor_is_told(client, practitioner, real_cases,
                                                          django_capture_on_commit_callbacks):
    """Not its title, not a count, and not the scores of the cases the visitor does see:
    otherwise whether someone's draft contains a word could be read off the scores."""
    query = {"q": "Skellig Guanajuato", "limit": 100}
    before = ok(client.get(SEARCH, query))
    with django_capture_on_commit_callbacks(execute=True):
        EntryFactory(title="Skellig puffin census", status=Status.DRAFT, author=practitioner,
                     summary="Rangers counted the puffins nesting on Skellig Michael.")
    assert ok(signed_in_as(practitioner).get(SEARCH, query))["count"] == before["count"] + 1
    after = ok(client.get(SEARCH, query))
    assert after["count"] == before["count"]
    assert after["facets"] == before["facets"]
    assert [(row["id"], row["score"]) for row in after["results"]] == [
        (row["id"], row["score"]) for row in before["results"]]


def test_a_hidden_draft_changes_no_full_text_score_a_visitor_sees(
        client, practitioner, django_capture_on_commit_callbacks):
    """Full-text ranking weighs a word by how many documents have it; counted over hidden
    drafts too, a draft repeating a word would lower the scores of the public cases with it."""
    with django_capture_on_commit_callbacks(execute=True):
        EntryFactory(title="Rooftop beekeeping on council offices")
        EntryFactory(title="Solar panels on school roofs")
    query = {"q": "beekeeping solar", "method": "lexical"}
    before = ok(client.get(SEARCH, query))
    assert before["count"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        EntryFactory(title="Beekeeping beekeeping beekeeping", status=Status.DRAFT,
                     author=practitioner, summary="Beekeeping for beekeeping's sake.")
    assert ok(signed_in_as(practitioner).get(SEARCH, query))["count"] == 3
    after = ok(client.get(SEARCH, query))
    assert [(row["id"], row["score"]) for row in after["results"]] == [
        (row["id"], row["score"]) for row in before["results"]]


def signed_in_as(person):
    from django.test import Client

    other = Client()
    other.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    return other


# --- Facets: the number beside a value is what choosing it gives ------------------------------


def facet_values(body: dict) -> list[tuple[str, str, int]]:
    return [(name, row["value"], row["count"])
            for name, rows in body["facets"].items() for row in rows]


@pytest.mark.parametrize("query", [GOOD_QUERY, "letters that get people to pay tax on time",
                                   "Asian cities traffic"])
def test_each_facet_count_is_the_number_of_results_choosing_that_value_gives(
        client, real_cases, query):
    body = ok(client.get(SEARCH, {"q": query, "limit": 100}))
    values = facet_values(body)
    assert len(values) > 20
    for name, value, count in values:
        narrowed = ok(client.get(SEARCH, {"q": query, "limit": 100, name: value}))
        assert narrowed["count"] == count, (name, value)
        # A filter narrows the results it was offered on, in the same order.
        shown = [row["source_id"] for row in body["results"]]
        kept = [row["source_id"] for row in narrowed["results"]]
        assert kept == [source_id for source_id in shown if source_id in kept], (name, value)


def test_with_a_value_chosen_the_other_facets_count_within_it(client, real_cases):
    query = "letters that get people to pay tax on time"
    uk = ok(client.get(SEARCH, {"q": query, "limit": 100, "country": "GB"}))
    # The country facet still counts every country (to change or add a choice)…
    assert len(uk["facets"]["country"]) > 1
    for name, value, count in facet_values(uk):
        if name == "country":
            continue
        # …the others count within the United Kingdom: ticking one gives that many.
        both = ok(client.get(SEARCH, {"q": query, "limit": 100, "country": "GB",
                                      name: value}))
        assert both["count"] == count, (name, value)
    evidence = [row["value"] for row in uk["facets"].get("evidence_level", [])]
    assert evidence == sorted(evidence)  # levels in order, not by count


@pytest.mark.parametrize(("params", "field"), [({"q": "   "}, "q"), ({"q": "tax\x01letters"}, "q"),
                                               ({"q": "tax", "country": "G\x02B"}, "country")])
def test_a_refusal_says_what_to_fix_in_words_not_a_pattern(client, real_cases, params, field):
    error = refused(client.get(SEARCH, params))["errors"][0]
    assert error["field"] == field
    assert "control characters" in error["message"] and "^" not in error["message"]


def test_our_own_messages_come_without_pydantics_prefix(client, real_cases):
    message = refused(similar(client, text="reminders"))["errors"][0]["message"]
    assert message == "Give at least two words of the text you are writing, to compare"


def test_a_browser_session_without_its_csrf_token_is_told_how_to_send_it(real_cases, member):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    response = browser.post(SIMILAR, {"text": "sms reminders for appointments"},
                            content_type="application/json")
    assert response.status_code == 403
    assert "X-CSRFToken" in response.json()["detail"]


def test_the_openapi_description_lists_only_the_answers_similar_can_give(client, real_cases):
    answers = client.get("/api/v1/openapi.json").json()["paths"][SIMILAR]["post"]["responses"]
    assert set(answers) == {"200", "400", "401", "403", "422", "429"}


def test_results_are_read_for_the_page_shown_only_with_their_texts_in_one_query(
        client, real_cases, django_assert_max_num_queries, django_assert_num_queries):
    from hub.search import selectors

    results = selectors.search("reminders for hospital appointments", user=None)
    assert results.count > 20
    # A page of results is read from the database, texts and all, in one query…
    with django_assert_max_num_queries(1):
        page = results.hits[:10]
        selectors.with_text(page)
        snippets = [hit.snippet for hit in page]
    assert len(page) == 10
    # …once: the next page when it is asked for, and a page read before costs nothing.
    with django_assert_num_queries(1):
        assert [hit.document.id for hit in results.hits[10:20]] == [
            int(results.hits.snapshot.ids[row]) for row in results.hits.rows()[10:20]]
    with django_assert_num_queries(0):
        assert results.hits[:20] == page + results.hits[10:20]
    # Each snippet is made from its own entry's text.
    stored = {document_id: body or detail for document_id, body, detail in
              Document.objects.values_list("id", "body", "detail")}
    for hit, text in zip(page, snippets, strict=True):
        words = html.unescape(re.sub(r"</?mark>", "", str(text))).strip(" …")
        assert words and words[:40] in " ".join(stored[hit.document.id].split())
    # The API's page has the same snippets.
    rows = client.get("/api/v1/search", {"q": "reminders for hospital appointments",
                                         "limit": 10}).json()["results"]
    assert [row["snippet"] for row in rows] == [str(text) for text in snippets]


def test_a_result_unpublished_after_the_search_began_is_never_shown(real_cases):
    from hub.search import selectors

    results = selectors.search("reminders for hospital appointments", user=None)
    ids = [int(results.hits.snapshot.ids[row]) for row in results.hits.rows()]
    # Unpublished between the ranking and the reading of the page (no reindex yet).
    Document.objects.filter(id=ids[0]).update(published=False)
    page = results.hits[:10]
    assert [hit.document.id for hit in page] == ids[1:10]
    assert results.hits[0].document.id == ids[1]


def test_one_result_asked_for_reads_a_few_not_all(real_cases, django_assert_num_queries):
    from hub.search import selectors

    results = selectors.search("reminders for hospital appointments", user=None)
    assert results.count > 20
    with django_assert_num_queries(1):
        first = results.hits[0]
    with django_assert_num_queries(0):  # read with it
        assert results.hits[:selectors.READ_AHEAD][0] is first
    with django_assert_num_queries(1):  # the rest, when asked for
        assert len(results.hits[:20]) == 20
