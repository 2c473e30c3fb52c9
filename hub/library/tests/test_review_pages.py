"""The curators' review queue and the conversation between a curator and an author."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from hub.core.models import AuditEntry
from hub.library.models import ReviewComment, Status
from hub.library.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("library:review_queue")


def test_the_queue_lists_waiting_entries_oldest_first_with_author_and_comments(
    signed_in, curator, practitioner
):
    start = datetime(2026, 3, 1, tzinfo=UTC)
    newer = EntryFactory(status=Status.SUBMITTED, author=practitioner, title="Newer one",
                         submitted_at=start + timedelta(days=3), published_at=None)
    older = EntryFactory(status=Status.IN_REVIEW, author=practitioner, title="Older one",
                         submitted_at=start, published_at=None)
    returned = EntryFactory(status=Status.CHANGES_REQUESTED, author=practitioner,
                            title="Sent back", submitted_at=start + timedelta(days=1),
                            published_at=None)
    EntryFactory(status=Status.DRAFT, author=practitioner, title="Still a draft")
    EntryFactory(status=Status.PUBLISHED, title="Already out")
    ReviewComment.objects.create(entry=returned, author=curator, body="One")
    ReviewComment.objects.create(entry=returned, author=practitioner, body="Two")

    response = signed_in(curator).get(QUEUE)
    assert [entry.title for entry in response.context["page_obj"]] == [
        older.title, returned.title, newer.title]
    body = response.content.decode()
    assert "Priya Practitioner" in body and "1 March 2026" not in body  # short dates
    assert "1 Mar 2026" in body
    assert "Still a draft" not in body and "Already out" not in body
    counts = {entry.title: entry.comment_count for entry in response.context["page_obj"]}
    assert counts == {"Older one": 0, "Sent back": 2, "Newer one": 0}


def test_the_queue_makes_a_fixed_number_of_queries(signed_in, curator, practitioner,
                                                   django_assert_max_num_queries):
    for number in range(30):
        entry = EntryFactory(status=Status.SUBMITTED, author=practitioner, published_at=None)
        ReviewComment.objects.create(entry=entry, author=curator, body=f"Note {number}")
    client = signed_in(curator)
    with django_assert_max_num_queries(8):
        client.get(QUEUE)


def test_the_author_and_a_curator_talk_in_comments(signed_in, curator, practitioner):
    entry = EntryFactory(status=Status.IN_REVIEW, author=practitioner, published_at=None)
    url = reverse("library:entry_comment", args=[entry.slug])
    response = signed_in(curator).post(url, {"body": "Could you add the costs?"})
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url() + "#comments"
    signed_in(practitioner).post(url, {"body": "Added: about £4,000 a year."})

    body = signed_in(practitioner).get(entry.get_absolute_url()).content.decode()
    assert body.index("Could you add the costs?") < body.index("Added: about £4,000 a year.")
    assert "Cara Curator" in body
    comments = list(entry.comments.values_list("author__email", "body"))
    assert comments == [("cara@hub.gov.uk", "Could you add the costs?"),
                        ("priya@dwp.gov.uk", "Added: about £4,000 a year.")]
    assert AuditEntry.objects.filter(action="entry.comment", target_id=str(entry.pk)).count() == 2


def test_an_empty_comment_is_explained_on_the_entry_page(signed_in, curator, practitioner):
    entry = EntryFactory(status=Status.SUBMITTED, author=practitioner, published_at=None)
    response = signed_in(practitioner).post(
        reverse("library:entry_comment", args=[entry.slug]), {"body": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and 'href="#id_body"' in body and "Enter a comment" in body
    assert not entry.comments.exists()


def test_comments_are_private_to_the_author_and_curators(client, signed_in, practitioner,
                                                         curator, member):
    entry = EntryFactory(status=Status.CHANGES_REQUESTED, author=practitioner,
                         published_at=None)
    ReviewComment.objects.create(entry=entry, author=curator, body="Private advice",
                                 kind=ReviewComment.Kind.CHANGES_REQUESTED)
    # Published later: the conversation stays private.
    entry.status = Status.PUBLISHED
    entry.save()
    assert "Private advice" not in client.get(entry.get_absolute_url()).content.decode()
    assert "Private advice" not in signed_in(member).get(
        entry.get_absolute_url()).content.decode()
    assert "Private advice" in signed_in(curator).get(entry.get_absolute_url()).content.decode()
    # Nobody comments on a published entry; the form is gone and a post is refused.
    response = signed_in(curator).post(reverse("library:entry_comment", args=[entry.slug]),
                                       {"body": "Late"})
    assert response.status_code == 403
    response = signed_in(member).post(reverse("library:entry_comment", args=[entry.slug]),
                                      {"body": "Hello"})
    assert response.status_code == 403


def test_someone_else_cannot_comment_on_a_hidden_entry(signed_in, practitioner):
    from hub.core.testing.cast import make_person

    entry = EntryFactory(status=Status.SUBMITTED, author=practitioner, published_at=None)
    response = signed_in(make_person("outsider")).post(
        reverse("library:entry_comment", args=[entry.slug]), {"body": "Hello"})
    assert response.status_code == 404
