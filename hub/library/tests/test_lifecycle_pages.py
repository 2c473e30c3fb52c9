"""An entry's lifecycle through the pages: the buttons each person sees follow the permission
table cell by cell, each transition works through its button and is audited with its from and
to states, and nobody can press a button the table does not give them."""

import pytest
from django.test import Client
from django.urls import reverse

from hub.core.models import AuditEntry
from hub.core.roles import Role
from hub.core.testing.cast import make_person
from hub.library.models import Entry, ReviewComment, Status
from hub.library.permissions import ROLES, TABLE
from hub.library.tests.factories import EntryFactory
from hub.library.tests.roles import client_for_library_role

pytestmark = pytest.mark.django_db

BUTTONS = ["submit", "review", "publish", "archive", "restore"]


VISIBLE_CELLS = [
    (state, role) for state in Status for role in ROLES if role in TABLE["view"][state]
]


@pytest.mark.parametrize(
    ("state", "role"), VISIBLE_CELLS, ids=[f"{s}-{r}" for s, r in VISIBLE_CELLS]
)
def test_the_entry_page_offers_exactly_the_actions_the_table_allows(state, role):
    entry = EntryFactory(status=state, author=make_person("practitioner"))
    body = client_for_library_role(role).get(entry.get_absolute_url()).content.decode()
    for action in BUTTONS:
        url = reverse(f"library:entry_{action}", args=[entry.slug])
        assert (f'action="{url}"' in body) is (role in TABLE[action][state]), action
    edit = reverse("library:entry_edit", args=[entry.slug])
    assert (f'href="{edit}"' in body) is (role in TABLE["edit"][state])
    comment = reverse("library:entry_comment", args=[entry.slug])
    assert (f'action="{comment}"' in body) is (role in TABLE["comment"][state])
    request_changes = reverse("library:entry_request_changes", args=[entry.slug])
    assert (f'action="{request_changes}"' in body) is (role in TABLE["request_changes"][state])
    history = reverse("library:entry_history", args=[entry.slug])
    assert (f'href="{history}"' in body) is (role in TABLE["history"][state])
    # The banner about the state is for those who may see an unpublished entry at all.
    assert ('id="entry-status-title"' in body) is (state != Status.PUBLISHED)


ACTION_CELLS = [
    (action, state, role)
    for action in BUTTONS
    for state in Status
    for role in ROLES
    if role != Role.VISITOR
]


@pytest.mark.parametrize(
    ("action", "state", "role"), ACTION_CELLS, ids=[f"{a}-{s}-{r}" for a, s, r in ACTION_CELLS]
)
def test_pressing_a_button_works_only_where_the_table_allows(action, state, role):
    entry = EntryFactory(status=state, author=make_person("practitioner"))
    response = client_for_library_role(role).post(
        reverse(f"library:entry_{action}", args=[entry.slug])
    )
    entry.refresh_from_db()
    if role in TABLE[action][state]:
        assert response.status_code == 302
        assert entry.status != state
    else:
        # Hidden entries do not exist for them; visible ones refuse.
        assert response.status_code == (403 if role in TABLE["view"][state] else 404)
        assert entry.status == state


def test_a_visitor_pressing_a_button_is_asked_to_sign_in(client):
    entry = EntryFactory(status=Status.PUBLISHED)
    response = client.post(reverse("library:entry_archive", args=[entry.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED


def test_buttons_need_a_post(signed_in, curator):
    entry = EntryFactory(status=Status.PUBLISHED)
    response = signed_in(curator).get(reverse("library:entry_archive", args=[entry.slug]))
    assert response.status_code == 405


def _audited(entry) -> list[tuple[str, str, str]]:
    return [
        (line.action, line.from_state, line.to_state)
        for line in AuditEntry.objects.filter(target_id=str(entry.pk)).order_by("pk")
    ]


def test_an_entry_goes_through_its_whole_life_through_the_pages(practitioner, curator):
    author, reviewer = Client(), Client()
    author.force_login(practitioner, backend="django.contrib.auth.backends.ModelBackend")
    reviewer.force_login(curator, backend="django.contrib.auth.backends.ModelBackend")

    response = author.post(
        reverse("library:entry_create"),
        {
            "kind": "case-study",
            "title": "Bus stop benches for older people",
            "summary": "A council put benches at every bus stop.",
            "challenge_area": "transport",
            "action": "save",
        },
    )
    entry = Entry.objects.get(title="Bus stop benches for older people")
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    assert entry.status == Status.DRAFT and entry.author == practitioner

    def press(client, action, **data):
        url = reverse(f"library:entry_{action}", args=[entry.slug])
        response = client.post(url, data)
        assert response.status_code == 302, (action, response.status_code)
        entry.refresh_from_db()
        return client.get(entry.get_absolute_url())

    page = press(author, "submit")
    assert entry.status == Status.SUBMITTED and entry.submitted_at is not None
    assert "has been sent to the curators for review" in page.content.decode()
    queue = reviewer.get(reverse("library:review_queue"))
    assert entry in list(queue.context["page_obj"])

    press(reviewer, "review")
    assert entry.status == Status.IN_REVIEW
    press(reviewer, "request_changes", message="Say how many people used the benches.")
    assert entry.status == Status.CHANGES_REQUESTED

    page = author.get(entry.get_absolute_url()).content.decode()
    assert "A curator has asked for changes" in page
    assert "Say how many people used the benches." in page
    assert "Resubmit for review" in page

    response = author.post(
        reverse("library:entry_edit", args=[entry.slug]),
        {
            "kind": "case-study",
            "title": "Bus stop benches for older people",
            "summary": "A council put benches at every bus stop.",
            "challenge_area": "transport",
            "results": "About 300 people a day used them.",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.SUBMITTED and entry.results.startswith("About 300")

    page = press(reviewer, "publish")
    assert entry.status == Status.PUBLISHED and entry.published_at is not None
    assert Client().get(entry.get_absolute_url()).status_code == 200
    press(reviewer, "archive")
    assert entry.status == Status.ARCHIVED
    assert Client().get(entry.get_absolute_url()).status_code == 404
    press(reviewer, "restore")
    assert entry.status == Status.PUBLISHED

    assert _audited(entry) == [
        ("entry.create", "", "draft"),
        ("entry.submit", "draft", "submitted"),
        ("entry.review", "submitted", "in-review"),
        ("entry.request_changes", "in-review", "changes-requested"),
        ("entry.submit", "changes-requested", "submitted"),
        ("entry.publish", "submitted", "published"),
        ("entry.archive", "published", "archived"),
        ("entry.restore", "archived", "published"),
    ]
    request = AuditEntry.objects.get(target_id=str(entry.pk), action="entry.request_changes")
    assert request.actor == curator
    assert request.detail == {"message": "Say how many people used the benches."}


def test_requesting_changes_needs_a_message_and_keeps_the_entry_as_it_was(signed_in, curator):
    entry = EntryFactory(status=Status.IN_REVIEW, author=make_person("practitioner"))
    response = signed_in(curator).post(
        reverse("library:entry_request_changes", args=[entry.slug]), {"message": "   "}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "Say what the author needs to change" in body
    assert body.count('href="#id_message"') == 1
    assert "<title>Error: " in body
    entry.refresh_from_db()
    assert entry.status == Status.IN_REVIEW
    assert not ReviewComment.objects.filter(entry=entry).exists()


def test_the_request_changes_address_leads_to_the_form_on_the_entry(signed_in, curator):
    entry = EntryFactory(status=Status.SUBMITTED, author=make_person("practitioner"))
    response = signed_in(curator).get(reverse("library:entry_request_changes", args=[entry.slug]))
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url() + "#request-changes"
