"""Collections: curators make, order and publish them; everyone reads the published ones."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from hub.core.models import AuditEntry
from hub.library.models import Collection, Status
from hub.library.services import collections as services
from hub.library.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def collection(curator):
    collection = services.collection_create(by=curator, title="Ten ways to cut energy bills",
                                            introduction="Councils that **cut** bills.")
    for title in ("First", "Second", "Third"):
        services.collection_add_entry(collection=collection, by=curator,
                                      entry=EntryFactory(title=title), note=f"Why {title}")
    return collection


def _order(collection) -> list[str]:
    return [item.entry.title for item in collection.items.select_related("entry")]


def test_only_curators_change_collections(practitioner, member, collection):
    for person in (practitioner, member):
        with pytest.raises(PermissionDenied):
            services.collection_create(by=person, title="Mine")
        with pytest.raises(PermissionDenied):
            services.collection_publish(collection=collection, by=person)


def test_services_add_move_remove_and_publish_with_an_audit_trail(curator, collection):
    assert collection.slug == "ten-ways-to-cut-energy-bills"
    assert _order(collection) == ["First", "Second", "Third"]
    third = collection.items.get(position=2).entry
    services.collection_move_entry(collection=collection, by=curator, entry=third, up=True)
    assert _order(collection) == ["First", "Third", "Second"]
    services.collection_move_entry(collection=collection, by=curator,
                                   entry=collection.items.get(position=0).entry, up=True)
    assert _order(collection) == ["First", "Third", "Second"]  # already at the top
    services.collection_remove_entry(collection=collection, by=curator, entry=third)
    assert _order(collection) == ["First", "Second"]
    assert list(collection.items.values_list("position", flat=True)) == [0, 1]
    with pytest.raises(ValidationError):
        services.collection_add_entry(collection=collection, by=curator,
                                      entry=collection.items.first().entry)
    services.collection_publish(collection=collection, by=curator)
    assert collection.status == Collection.Status.PUBLISHED
    actions = list(AuditEntry.objects.filter(target_id=str(collection.pk)).order_by("pk")
                   .values_list("action", "from_state", "to_state"))
    assert actions[0] == ("collection.create", "", "draft")
    assert ("collection.reorder", "", "") in actions
    assert ("collection.remove_entry", "", "") in actions
    assert actions[-1] == ("collection.publish", "draft", "published")
    assert services.collection_create(by=curator, title="Ten ways to cut energy bills").slug \
        == "ten-ways-to-cut-energy-bills-2"


def test_a_draft_collection_is_for_curators_only(client, signed_in, member, curator,
                                                 collection):
    assert client.get(collection.get_absolute_url()).status_code == 404
    assert signed_in(member).get(collection.get_absolute_url()).status_code == 404
    assert "Ten ways" not in client.get(reverse("library:collections")).content.decode()
    assert signed_in(curator).get(collection.get_absolute_url()).status_code == 200


def test_a_published_collection_shows_its_introduction_and_entries_in_order(
    client, curator, collection
):
    services.collection_publish(collection=collection, by=curator)
    response = client.get(collection.get_absolute_url())
    body = response.content.decode()
    assert "<strong>cut</strong>" in body
    assert body.index("First") < body.index("Second") < body.index("Third")
    assert "Why Second" in body
    listing = client.get(reverse("library:collections")).content.decode()
    assert "Ten ways to cut energy bills" in listing and "3 entries" in listing


def test_curators_manage_a_collection_through_its_pages(signed_in, curator):
    client = signed_in(curator)
    response = client.post(reverse("library:collection_create"), {"title": ""})
    assert "Enter a title" in response.content.decode()
    response = client.post(reverse("library:collection_create"),
                           {"title": "Ways to use data", "introduction": "Start here."})
    collection = Collection.objects.get(title="Ways to use data")
    manage = reverse("library:collection_manage", args=[collection.slug])
    assert response["Location"] == manage

    one, two = EntryFactory(title="Entry one"), EntryFactory(title="Entry two")
    client.post(manage, {"entry": "http://testserver" + one.get_absolute_url(), "note": "A"})
    client.post(manage, {"entry": "Entry two"})
    assert _order(collection) == ["Entry one", "Entry two"]
    response = client.post(manage, {"entry": "No such entry"})
    assert response.status_code == 400
    assert "We could not find that entry" in response.content.decode()
    response = client.post(manage, {"entry": two.slug})
    assert "already in the collection" in response.content.decode()

    client.post(reverse("library:collection_item_down", args=[collection.slug, one.pk]))
    assert _order(collection) == ["Entry two", "Entry one"]
    client.post(reverse("library:collection_item_up", args=[collection.slug, one.pk]))
    assert _order(collection) == ["Entry one", "Entry two"]
    client.post(reverse("library:collection_item_remove", args=[collection.slug, two.pk]))
    assert _order(collection) == ["Entry one"]

    client.post(reverse("library:collection_edit", args=[collection.slug]),
                {"title": "Ways to use data well", "introduction": "Read these first."})
    collection.refresh_from_db()
    assert collection.title == "Ways to use data well"
    assert collection.slug == "ways-to-use-data"  # links keep working

    client.post(reverse("library:collection_publish", args=[collection.slug]))
    collection.refresh_from_db()
    assert collection.status == Collection.Status.PUBLISHED
    client.post(reverse("library:collection_unpublish", args=[collection.slug]))
    collection.refresh_from_db()
    assert collection.status == Collection.Status.DRAFT


def test_people_who_are_not_curators_cannot_reach_the_managing_pages(
    signed_in, practitioner, collection
):
    pages = [reverse("library:collection_create"),
             reverse("library:collection_manage", args=[collection.slug]),
             reverse("library:collection_edit", args=[collection.slug])]
    for url in pages:
        assert Client().get(url).status_code == 302
        assert signed_in(practitioner).get(url).status_code == 403
    entry = collection.items.first().entry
    response = signed_in(practitioner).post(
        reverse("library:collection_item_remove", args=[collection.slug, entry.pk]))
    assert response.status_code == 403
    assert collection.items.count() == 3


def test_unpublished_entries_in_a_collection_are_marked_for_curators(signed_in, curator,
                                                                     collection):
    draft = EntryFactory(title="Not out yet", status=Status.DRAFT, published_at=None)
    services.collection_add_entry(collection=collection, by=curator, entry=draft)
    body = signed_in(curator).get(
        reverse("library:collection_manage", args=[collection.slug])).content.decode()
    assert "Readers do not see it until it is published" in body


def test_the_collection_page_makes_a_fixed_number_of_queries(
    client, curator, collection, django_assert_max_num_queries
):
    for number in range(20):
        services.collection_add_entry(collection=collection, by=curator,
                                      entry=EntryFactory(title=f"More {number}"))
    services.collection_publish(collection=collection, by=curator)
    with django_assert_max_num_queries(6):
        response = client.get(collection.get_absolute_url())
    assert len(response.context["items"]) == 23
