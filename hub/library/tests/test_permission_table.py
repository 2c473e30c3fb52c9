"""Walks the library's permission table cell by cell: role × state × action."""

import pytest

from hub.core.testing.cast import make_person
from hub.library.models import Status
from hub.library.permissions import GLOBAL_TABLE, ROLES, TABLE
from hub.library.tests.factories import EntryFactory
from hub.library.tests.roles import person_for_library_role

CELLS = [(action, state, role) for action in TABLE for state in Status for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "state", "role"), CELLS, ids=[f"{a}-{s}-{r}" for a, s, r in CELLS]
)
def test_each_role_may_do_exactly_what_the_table_says_in_each_state(action, state, role):
    entry = EntryFactory(status=state, author=make_person("practitioner"))
    person = person_for_library_role(role)
    assert person.has_perm(f"library.{action}_entry", entry) is (role in TABLE[action][state])


GLOBAL_CELLS = [(action, role) for action in GLOBAL_TABLE for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "role"), GLOBAL_CELLS, ids=[f"{a}-{r}" for a, r in GLOBAL_CELLS]
)
def test_library_wide_actions_follow_the_table(action, role):
    assert person_for_library_role(role).has_perm(action) is (role in GLOBAL_TABLE[action])


def test_the_table_has_every_state_for_every_action():
    for action, states in TABLE.items():
        assert set(states) == set(Status), action


@pytest.mark.django_db
def test_a_version_records_who_made_it_even_outside_a_web_request(curator):
    from hub.library.services.entries import entry_archive

    entry = EntryFactory(status=Status.PUBLISHED)
    entry_archive(entry=entry, by=curator)
    assert entry.history.first().history_user == curator


@pytest.mark.django_db
def test_an_entry_called_new_does_not_hide_the_add_page(practitioner):
    from hub.library.services.entries import EntryData, entry_create

    entry = entry_create(
        by=practitioner,
        data=EntryData(values={"title": "New", "summary": "A summary.", "challenge_area": "other"}),
    )
    assert entry.slug != "new"


@pytest.mark.django_db
def test_an_edit_made_from_an_old_copy_never_undoes_a_state_change(curator, admin):
    from django.core.exceptions import PermissionDenied

    from hub.library.models import Entry
    from hub.library.services.entries import EntryData, entry_archive, entry_update

    entry = EntryFactory(status=Status.PUBLISHED)
    stale = Entry.objects.get(pk=entry.pk)  # someone opened the edit form
    entry_archive(entry=entry, by=admin)  # meanwhile another curator archives it
    with pytest.raises(PermissionDenied):
        entry_update(entry=stale, by=curator, data=EntryData(values={"title": "Edited"}))
    entry.refresh_from_db()
    assert entry.status == Status.ARCHIVED and entry.title != "Edited"


@pytest.mark.django_db
def test_a_long_title_or_a_clashing_identifier_still_makes_a_valid_entry(practitioner):
    from hub.library.services.entries import EntryData, entry_create

    EntryFactory(source_id="hub-parking-permits-pilot", slug="imported-parking")
    clash = entry_create(
        by=practitioner,
        data=EntryData(
            values={
                "title": "Parking permits pilot",
                "summary": "S.",
                "challenge_area": "transport",
            }
        ),
    )
    assert clash.source_id.startswith("hub-parking-permits-pilot-")
    long = entry_create(
        by=practitioner,
        data=EntryData(values={"title": "A" * 300, "summary": "S.", "challenge_area": "transport"}),
    )
    assert len(long.source_id) <= 100
    again = entry_create(
        by=practitioner,
        data=EntryData(values={"title": "A" * 300, "summary": "S.", "challenge_area": "transport"}),
    )
    assert again.slug != long.slug and not again.slug.endswith("-2")
