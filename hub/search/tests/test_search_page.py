"""What people read on /search/ and in the API's snippets is the entry's text, escaped: a title
or summary with markup in it shows the markup as text, and only the matches are marked."""

import io

import pytest

from hub.library.tests.factories import EntryFactory
from hub.search.models import UnansweredQuery
from hub.search.services import index_objects

pytestmark = pytest.mark.django_db

TITLE = '<script>alert("title")</script> Rooftop beekeeping'
SUMMARY = ('Bees on council roofs <script>alert("summary")</script> and '
           '<img src=x onerror=alert(1)> honey for staff.')


@pytest.fixture
def entry_with_markup():
    entry = EntryFactory(title=TITLE, summary=SUMMARY)
    index_objects("case", [entry.pk])
    return entry


def test_the_results_page_escapes_titles_and_summaries_and_marks_the_matches(
        client, entry_with_markup):
    response = client.get("/search/", {"q": "beekeeping honey"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; Rooftop beekeeping" in html
    assert "&lt;script&gt;alert(&quot;summary&quot;)&lt;/script&gt;" in html
    assert "<mark>honey</mark>" in html


def test_the_api_snippet_is_escaped_html_with_the_matches_marked(client, entry_with_markup):
    row = client.get("/api/v1/search", {"q": "beekeeping honey"}).json()["results"][0]
    assert row["title"] == TITLE  # JSON carries the text as it is; the snippet is HTML
    assert "<script" not in row["snippet"] and "<img" not in row["snippet"]
    assert "&lt;script&gt;" in row["snippet"] and "&lt;img" in row["snippet"]
    assert "<mark>honey</mark>" in row["snippet"]


def test_a_poor_search_on_the_page_is_recorded_without_the_email_address_in_it(client):
    EntryFactory()
    response = client.get("/search/", {"q": "zzqxv florp for jane.doe@example.org"})
    assert response.status_code == 200
    assert [record.text for record in UnansweredQuery.objects.all()] == [
        "zzqxv florp for [email]"]


def test_an_empty_search_shows_the_box_and_records_nothing(client):
    response = client.get("/search/", {"q": "   "})
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()
    assert not UnansweredQuery.objects.exists()


def test_checking_for_similar_entries_keeps_what_was_typed_and_saves_nothing(
        signed_in, practitioner):
    from hub.library.models import Entry

    neighbour = EntryFactory(title="SMS reminders cut missed GP appointments",
                             summary="A surgery texted patients the day before their "
                                     "appointment, and fewer appointments were missed.")
    index_objects("case")
    before = Entry.objects.count()
    response = signed_in(practitioner).post("/library/entries/new/", {
        "action": "check_similar",
        "title": "Text reminders before outpatient appointments",
        "summary": "We will text patients to cut missed appointments.",
        "start_year": "not a year",
    })
    body = response.content.decode()
    assert response.status_code == 200
    assert Entry.objects.count() == before
    assert "Similar entries already in the hub" in body
    assert neighbour.title in body
    assert 'value="Text reminders before outpatient appointments"' in body
    assert "not a year" in body  # kept as typed, not yet judged
    assert "govuk-error-summary" not in body


def test_generate_bench_data_adds_published_searchable_documents():
    from django.core.management import call_command

    from hub.search import selectors
    from hub.search.models import Document

    call_command("generate_bench_data", cases=25, stdout=io.StringIO())
    bench = Document.objects.filter(source_id__startswith="bench-")
    assert bench.count() == 25
    assert all(document.published and document.embedding for document in bench)
    # With word pieces too, so that latency is measured with late interaction's reads.
    from hub.search.embedding import unpack_tokens

    for document in bench:
        pieces, tokens = unpack_tokens(document.piece_vectors.tokens)
        assert 40 <= len(pieces) <= 150 and tokens.shape == (len(pieces), 384)
        assert document.pieces
    from hub.search.text import query_terms

    word = query_terms(bench.first().title.removeprefix("[bench]"))[0]
    assert selectors.search(word, user=None, method="lexical").count >= 1
    call_command("generate_bench_data", clear=True, stdout=io.StringIO())
    assert not Document.objects.filter(source_id__startswith="bench-").exists()


def test_a_query_naming_places_offers_to_show_only_the_results_from_there(client):
    from hub.library.models import Status

    summary = "Citizens file their tax return online in minutes with a pre-filled form."
    entries = {code: EntryFactory(title=f"Pre-filled online tax returns ({code})",
                                  summary=summary, countries=[code], country_text="",
                                  status=Status.PUBLISHED)
               for code in ("SE", "FI", "GB")}
    index_objects("case", [entry.pk for entry in entries.values()])

    page = client.get("/search/", {"q": "online tax returns in Nordic countries"})
    link = page.context["only_there"]
    assert link["count"] == 2 and sorted(link["names"]) == ["Finland", "Sweden"]
    assert "Show only the 2 results from" in page.content.decode()
    only = client.get("/search/" + link["href"])
    assert sorted(hit.document.object_id for hit in only.context["page_obj"]) == sorted(
        [entries["SE"].pk, entries["FI"].pk])
    assert only.context["only_there"] is None  # the filter is on: nothing more to offer

    plain = client.get("/search/", {"q": "online tax returns"})
    assert plain.context["only_there"] is None
    assert 'id="only-there"' not in plain.content.decode()


def test_the_has_anyone_tried_this_boxes_search_by_meaning(client):
    """The home page's and the library's main box lead to the hub's search, not to the list
    that matches words only; that list, when it finds nothing, offers the search."""
    import re

    for page in ("/", "/library/"):
        html = client.get(page).content.decode()
        form = re.search(r'<form method="get" action="([^"]+)" role="search"[^>]*>\s*'
                         r'<div class="govuk-form-group">\s*<label[^>]*>Has anyone tried this',
                         html)
        assert form and form.group(1) == "/search/", page
    empty = client.get("/library/entries/?q=missing+hospital+appointments").content.decode()
    assert 'href="/search/?q=missing%20hospital%20appointments"' in empty


def test_the_results_page_tells_where_you_are_and_lets_you_reach_every_filter(client):
    from hub.library.models import Status

    codes = ["SE", "FI", "GB", "FR", "DE", "IT", "ES", "PT", "NL", "BE", "DK", "NO", "IE",
             "PL"]
    entries = [EntryFactory(title=f"Pre-filled online tax returns, {code}",
                            summary="Citizens file their tax return online in minutes.",
                            countries=[code], country_text="", status=Status.PUBLISHED)
               for code in codes]
    index_objects("case", [entry.pk for entry in entries])

    page = client.get("/search/", {"q": "online tax returns"})
    html = page.content.decode()
    assert "<title>Search results for “online tax returns” (page 1 of 2)" in html
    assert '<a class="govuk-link" href="#results">Skip the filters' in html
    # Every country can be chosen: those beyond the first twelve under "2 more".
    country = next(group for group in page.context["facet_groups"]
                   if group["name"] == "country")
    assert len(country["values"]) == 12 and len(country["more"]) == 2
    assert html.count('name="country" type="checkbox"') == 14
    assert "2 more<span class=\"govuk-visually-hidden\"> country choices" in html

    narrowed = client.get("/search/", {"q": "online tax returns", "country": ["PL", "IE"],
                                       "page": 1}).content.decode()
    assert "Only results that match your filters: Ireland, Poland" in narrowed \
        or "Only results that match your filters: Poland, Ireland" in narrowed
    assert '<a class="govuk-link" href="?q=online%20tax%20returns">Remove filters</a>' in narrowed


def test_a_poor_answer_comes_with_the_help_to_ask_better(client):
    entry = EntryFactory(title="Rooftop beekeeping", summary="Bees on council roofs.")
    index_objects("case", [entry.pk])
    html = client.get("/search/", {"q": "xqzvbn flurble"}).content.decode()
    assert "Nothing in the hub answers this closely" in html
    assert "describe the problem you want to solve" in html
    assert 'href="/library/entries/">browse the learning library</a>' in html


def test_the_live_prior_art_panel_is_posted_with_the_csrf_token(practitioner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(practitioner, backend="django.contrib.auth.backends.ModelBackend")
    draft = {"title": "Rooftop beekeeping", "summary": "Bees on the roofs of council offices"}
    # Never in an address (server logs would keep a draft's words).
    assert client.get("/search/similar/", draft).status_code == 405
    assert client.post("/search/similar/", draft).status_code == 403  # no token
    client.get("/library/entries/new/")  # sets the CSRF cookie, as the form page does
    token = client.cookies["csrftoken"].value
    answer = client.post("/search/similar/", draft, HTTP_X_CSRFTOKEN=token)
    assert answer.status_code == 200 and 'id="prior-art"' in answer.content.decode()


def test_the_prior_art_panel_leaves_out_the_entry_being_edited_and_other_kinds(client):
    similar = EntryFactory(title="Rooftop beekeeping on schools",
                           summary="Pupils keep bees on the school roof.")
    edited = EntryFactory(title="Rooftop beekeeping on council offices",
                          summary="Staff keep bees on the roofs of council offices.")
    index_objects("case", [similar.pk, edited.pk])
    draft = {"title": edited.title, "summary": edited.summary, "kind": "case"}
    both = client.post("/search/similar/", draft).content.decode()
    assert edited.title in both and similar.title in both
    alone = client.post("/search/similar/", {**draft, "exclude": f"case:{edited.pk}"})
    assert edited.title not in alone.content.decode()
    assert similar.title in alone.content.decode()
    assert client.post("/search/similar/", {**draft, "kind": "nonsense"}).context[
        "prior_art"] == []  # an unknown kind is an invalid form: nothing looked up


def test_a_long_draft_costs_no_more_than_its_first_two_thousand_characters(monkeypatch):
    from hub.search import embedding, selectors

    seen = []
    real = embedding.embed

    def spy(texts):
        seen.extend(texts)
        return real(texts)

    monkeypatch.setattr(selectors, "embed", spy)
    selectors.similar_to_text("A title", "word " * 4000, user=None)
    assert [len(text) for text in seen] == [selectors.PRIOR_ART_CHARACTERS]
    # Nor are long texts kept in the query memory of the process.
    embedding.embed_query("word " * 100)
    assert ("word " * 100).strip() not in embedding._query_cache
    assert "word " * 100 not in embedding._query_cache


def test_a_curator_opening_a_recorded_question_does_not_ask_it_again(signed_in, curator):
    entry = EntryFactory(title="Rooftop beekeeping", summary="Bees on council roofs.")
    index_objects("case", [entry.pk])
    client = signed_in(curator)
    client.get("/search/", {"q": "xqzvbn flurble"})
    question = UnansweredQuery.objects.get()
    listing = client.get("/search/unanswered/").content.decode()
    link = 'href="/search/?q=xqzvbn%20flurble&amp;from=unanswered"'
    assert link in listing
    for _ in range(3):
        client.get("/search/", {"q": "xqzvbn flurble", "from": "unanswered"})
    question.refresh_from_db()
    assert question.times == 1


def test_searching_too_often_is_asked_to_wait_with_a_429(client, settings):
    settings.HUB_RATE_LIMITS = {"search": 2, "similar": 1}
    entry = EntryFactory(title="Rooftop beekeeping", summary="Bees on council roofs.")
    index_objects("case", [entry.pk])
    for _ in range(2):
        assert client.get("/search/", {"q": "beekeeping"}).status_code == 200
    page = client.get("/search/", {"q": "beekeeping"})
    assert page.status_code == 429 and 0 < int(page["Retry-After"]) <= 60
    assert "You have searched many times in the last minute" in page.content.decode()
    assert 'name="q"' in page.content.decode()  # the box is still there
    # Someone else (another address) is not held up.
    assert client.get("/search/", {"q": "beekeeping"},
                      REMOTE_ADDR="192.0.2.9").status_code == 200
    # The API counts against the same limit.
    api = client.get("/api/v1/search", {"q": "beekeeping"})
    assert api.status_code == 429 and "try again in" in api.json()["detail"]

    draft = {"title": "Rooftop beekeeping", "summary": "Bees on the roofs of council offices"}
    assert client.post("/search/similar/", draft).status_code == 200
    assert client.post("/search/similar/", draft).status_code == 429
    assert client.post("/api/v1/search/similar", {"text": "bees on roofs"},
                       content_type="application/json").status_code == 429


@pytest.mark.parametrize(("status", "tag"), [
    ("draft", "Not published: draft"),
    ("in-review", "Not published: in review"),
    ("changes-requested", "Not published: changes requested"),
    ("archived", "Not published: archived"),
])
def test_the_author_sees_what_state_their_unpublished_entry_is_in(signed_in, status, tag):
    from hub.core.testing.cast import make_person

    author = make_person("practitioner")
    entry = EntryFactory(title="Rooftop beekeeping on council offices",
                         summary="Staff keep bees on the roofs of council offices.",
                         status=status, author=author)
    index_objects("case", [entry.pk])
    client = signed_in(author)
    page = client.get("/search/", {"q": "rooftop beekeeping"}).content.decode()
    assert tag in page
    row = client.get("/api/v1/search", {"q": "rooftop beekeeping"}).json()["results"][0]
    assert (row["id"], row["published"], row["state"].lower()) == (
        entry.pk, False, tag.removeprefix("Not published: "))
    # So does the prior-art panel, shown while they write another entry.
    panel = client.post("/search/similar/", {"title": "Rooftop beekeeping",
                                             "summary": "Bees on council roofs"})
    assert tag in panel.content.decode()

    entry.status = "published"
    entry.save()
    index_objects("case", [entry.pk])
    page = client.get("/search/", {"q": "rooftop beekeeping"}).content.decode()
    assert "Not published" not in page
    row = client.get("/api/v1/search", {"q": "rooftop beekeeping"}).json()["results"][0]
    assert (row["published"], row["state"]) == (True, "")
