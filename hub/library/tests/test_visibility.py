"""Who sees which entry, through the pages people use: an unpublished entry does not exist
(404, never 403) for anyone but its author and the curators, and it is never listed, counted,
collected or exported for anyone."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from hub.core.roles import Role
from hub.core.testing.cast import make_person
from hub.library.models import Status
from hub.library.permissions import ROLES, TABLE
from hub.library.services import collections as collection_services
from hub.library.tests.factories import EntryFactory
from hub.library.tests.roles import client_for_library_role

pytestmark = pytest.mark.django_db

HIDDEN_TITLE = "Secret draft about parking permits"


CELLS = [(state, role) for state in Status for role in ROLES]


@pytest.mark.parametrize(("state", "role"), CELLS, ids=[f"{s}-{r}" for s, r in CELLS])
def test_the_entry_page_is_there_only_for_those_the_table_lets_view(state, role):
    entry = EntryFactory(status=state, author=make_person("practitioner"), title=HIDDEN_TITLE)
    allowed = role in TABLE["view"][state]
    for name in ("library:entry", "library:entry_print"):
        response = client_for_library_role(role).get(reverse(name, args=[entry.slug]))
        assert response.status_code == (200 if allowed else 404), name
        if not allowed:
            assert HIDDEN_TITLE not in response.content.decode()


@pytest.mark.parametrize(("state", "role"), CELLS, ids=[f"{s}-{r}" for s, r in CELLS])
def test_history_is_for_the_author_and_curators_and_hidden_entries_stay_hidden(state, role):
    entry = EntryFactory(status=state, author=make_person("practitioner"))
    response = client_for_library_role(role).get(
        reverse("library:entry_history", args=[entry.slug])
    )
    if role == Role.VISITOR:
        assert response.status_code == 302  # asked to sign in first
    elif role in TABLE["history"][state]:
        assert response.status_code == 200
    elif role in TABLE["view"][state]:
        assert response.status_code == 403  # they can see the entry, not its history
    else:
        assert response.status_code == 404


@pytest.fixture
def one_of_each_state(practitioner):
    entries = {
        state: EntryFactory(
            status=state,
            author=practitioner,
            title=f"Entry that is {state}",
            countries=["FR"],
            published_at=None if state != Status.PUBLISHED else datetime(2025, 1, 1, tzinfo=UTC),
        )
        for state in Status
    }
    return entries


@pytest.mark.parametrize("role", ROLES)
def test_lists_counts_and_downloads_hold_only_published_entries_whoever_looks(
    role, one_of_each_state
):
    client = client_for_library_role(role)
    listing = client.get(reverse("library:entries"))
    assert listing.context["page_obj"].paginator.count == 1
    body = listing.content.decode()
    assert "Entry that is published" in body
    for state in Status:
        if state != Status.PUBLISHED:
            assert f"Entry that is {state}" not in body

    home = client.get(reverse("library:home"))
    assert home.context["counts"]["total"] == 1
    health = next(
        area
        for area in home.context["counts"]["areas"]
        if area["value"] == "health-and-social-care"
    )
    assert health["count"] == 1
    assert home.context["countries"] == [{"code": "FR", "name": "France", "count": 1}]
    assert [entry.title for entry in home.context["newest"]] == ["Entry that is published"]

    searched = client.get(reverse("library:entries"), {"q": "Entry that is"})
    assert searched.context["page_obj"].paginator.count == 1


@pytest.mark.parametrize("role", ROLES)
def test_downloads_hold_only_published_entries_whoever_asks(role, one_of_each_state):
    pytest.importorskip("hub.library.services.exporting")
    client = client_for_library_role(role)
    jsonl = b"".join(
        client.get(reverse("library:entries"), {"format": "jsonl"}).streaming_content
    ).decode()
    titles = [json.loads(line)["title"] for line in jsonl.splitlines() if line.strip()]
    assert titles == ["Entry that is published"]
    document = json.loads(
        b"".join(client.get(reverse("library:entries"), {"format": "json"}).streaming_content)
    )
    assert [record["title"] for record in document["results"]] == ["Entry that is published"]
    text = b"".join(
        client.get(reverse("library:entries"), {"format": "csv"}).streaming_content
    ).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["title"] for row in rows] == ["Entry that is published"]


@pytest.mark.parametrize("role", ROLES)
def test_a_collection_shows_only_the_entries_each_person_may_see(role, one_of_each_state, curator):
    collection = collection_services.collection_create(by=curator, title="Mixed states")
    for entry in one_of_each_state.values():
        collection_services.collection_add_entry(collection=collection, by=curator, entry=entry)
    collection_services.collection_publish(collection=collection, by=curator)
    response = client_for_library_role(role).get(collection.get_absolute_url())
    assert response.status_code == 200
    shown = {item.entry.status for item in response.context["items"]}
    expected = {state for state in Status if role in TABLE["view"][state]}
    assert shown == expected
    listed = (
        client_for_library_role(role).get(reverse("library:collections")).context["collections"]
    )
    assert [collection.entry_count for collection in listed] == [1]


def test_the_review_queue_and_the_list_of_every_entry_are_for_curators(
    signed_in, one_of_each_state, member, practitioner, curator
):
    for url in (reverse("library:review_queue"), reverse("library:all_entries")):
        assert Client().get(url).status_code == 302
        assert signed_in(member).get(url).status_code == 403
        assert signed_in(practitioner).get(url).status_code == 403
    response = signed_in(curator).get(reverse("library:all_entries"))
    assert response.context["page_obj"].paginator.count == len(Status)
    drafts = signed_in(curator).get(reverse("library:all_entries"), {"status": "draft"})
    assert [entry.status for entry in drafts.context["page_obj"]] == [Status.DRAFT]


def test_your_entries_lists_only_your_own_in_every_state(signed_in, one_of_each_state, curator):
    EntryFactory(author=curator, title="Someone else's entry")
    response = signed_in(make_person("practitioner")).get(reverse("library:mine"))
    body = response.content.decode()
    assert response.context["page_obj"].paginator.count == len(Status)
    assert "Someone else" not in body
    assert "Read what to change" in body and "Finish it" in body
    assert (
        signed_in(make_person("member"))
        .get(reverse("library:mine"))
        .context["page_obj"]
        .paginator.count
        == 0
    )
