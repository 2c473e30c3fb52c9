"""What people read on /search/ and in the API's snippets is the entry's text, escaped: a title
or summary with markup in it shows the markup as text, and only the matches are marked."""

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
