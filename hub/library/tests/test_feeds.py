"""Atom feeds of published entries: everything, per challenge area, per tag, per collection."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from hub.library.feeds import alternate_feeds
from hub.library.models import Collection, CollectionItem, Status, Tag
from hub.library.taxonomy import ChallengeArea
from hub.library.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db

ATOM = {"atom": "http://www.w3.org/2005/Atom"}
UNPUBLISHED = [Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED,
               Status.ARCHIVED]


def _feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 - the hub's own feed, in a test


def _titles(feed) -> list[str]:
    return [entry.findtext("atom:title", namespaces=ATOM) for entry in feed.findall(
        "atom:entry", ATOM)]


@pytest.fixture
def library(practitioner):
    """Published entries in two areas, one with a tag, and one entry in every other state."""
    transport = Tag.objects.create(name="Road safety", slug="road-safety")
    when = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    health = EntryFactory(title="Health one", challenge_area=ChallengeArea.HEALTH,
                          published_at=when, summary="Fewer missed appointments & <b>more</b>.")
    roads = EntryFactory(title="Roads one", challenge_area=ChallengeArea.TRANSPORT,
                         published_at=when + dt.timedelta(days=1), author=practitioner)
    roads.tags.add(transport)
    hidden = [EntryFactory(title=f"Hidden {state}", status=state, author=practitioner,
                           challenge_area=ChallengeArea.HEALTH, published_at=when)
              for state in UNPUBLISHED]
    for entry in hidden:
        entry.tags.add(transport)
    return {"health": health, "roads": roads, "tag": transport, "hidden": hidden}


def test_the_feed_of_all_entries_is_atom_with_the_published_entries_newest_first(client,
                                                                                  library):
    feed = _feed(client, "/library/feeds/entries.atom")
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert _titles(feed) == ["Roads one", "Health one"]
    assert feed.find("atom:link[@rel='self']", ATOM).get("href").endswith(
        "/library/feeds/entries.atom")


def test_each_item_has_link_summary_dates_categories_and_author(client, library):
    feed = _feed(client, "/library/feeds/entries.atom")
    roads, health = feed.findall("atom:entry", ATOM)
    link = roads.find("atom:link", ATOM).get("href")
    assert link == f"http://testserver/library/entries/{library['roads'].slug}/"
    assert roads.findtext("atom:published", namespaces=ATOM).startswith("2026-03-02T09:00:00")
    assert roads.findtext("atom:updated", namespaces=ATOM)
    assert {category.get("term") for category in roads.findall("atom:category", ATOM)} == {
        "Transport", "Road safety"}
    assert roads.findtext("atom:author/atom:name", namespaces=ATOM) == "Priya Practitioner"
    summary = health.find("atom:summary", ATOM)
    assert summary.get("type") == "text"
    assert summary.text == "Fewer missed appointments & <b>more</b>."


def test_area_tag_and_collection_feeds_hold_only_their_published_entries(client, library,
                                                                         curator):
    assert _titles(_feed(client, "/library/feeds/areas/health-and-social-care.atom")) == [
        "Health one"]
    assert _titles(_feed(client, "/library/feeds/tags/road-safety.atom")) == ["Roads one"]
    collection = Collection.objects.create(title="Safer roads", slug="safer-roads",
                                           status=Collection.Status.PUBLISHED)
    for position, entry in enumerate([library["roads"], *library["hidden"]]):
        CollectionItem.objects.create(collection=collection, entry=entry, position=position)
    assert _titles(_feed(client, "/library/feeds/collections/safer-roads.atom")) == [
        "Roads one"]


@pytest.mark.parametrize("url", [
    "/library/feeds/entries.atom",
    "/library/feeds/areas/health-and-social-care.atom",
    "/library/feeds/tags/road-safety.atom",
])
def test_no_feed_ever_holds_an_unpublished_entry(client, library, url):
    body = client.get(url).content.decode()
    for entry in library["hidden"]:
        assert entry.title not in body and entry.slug not in body


@pytest.mark.parametrize("url", [
    "/library/feeds/areas/space-exploration.atom",
    "/library/feeds/tags/no-such-tag.atom",
    "/library/feeds/collections/no-such-collection.atom",
    "/library/feeds/collections/draft-collection.atom",
])
def test_unknown_areas_tags_and_collections_and_draft_collections_are_404(client, url):
    Collection.objects.create(title="Draft collection", slug="draft-collection")
    assert client.get(url).status_code == 404


def test_a_feed_holds_the_newest_50(client):
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for day in range(55):
        EntryFactory(title=f"Entry {day:02}", published_at=start + dt.timedelta(days=day))
    titles = _titles(_feed(client, "/library/feeds/entries.atom"))
    assert len(titles) == 50
    assert titles[0] == "Entry 54" and titles[-1] == "Entry 05"


def test_the_feed_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(30):
        EntryFactory().tags.add(Tag.objects.get_or_create(name="Data", slug="data")[0])
    with django_assert_max_num_queries(6):
        client.get("/library/feeds/entries.atom")


def test_pages_can_advertise_the_feeds_that_concern_them(library):
    feeds = alternate_feeds(challenge_area="transport", tag=library["tag"])
    assert [feed["href"] for feed in feeds] == [
        "/library/feeds/tags/road-safety.atom",
        "/library/feeds/areas/transport.atom",
        "/library/feeds/entries.atom",
    ]
    assert all(feed["title"].startswith("Atom feed") for feed in feeds)
