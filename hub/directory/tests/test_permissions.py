"""Walks the directory's permission table cell by cell: every role × every action, through
``has_perm`` and through the pages that the actions guard."""

import pytest
from django.urls import reverse

from hub.core.roles import Role
from hub.core.testing.cast import person_for_role
from hub.directory.permissions import TABLE
from hub.directory.tests.factories import OrganisationFactory

CELLS = [(action, role) for action in TABLE for role in Role]
IDS = [f"{action}-{role}" for action, role in CELLS]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "role"), CELLS, ids=IDS)
def test_each_role_may_do_exactly_what_the_table_says(action, role):
    person = person_for_role(role)
    organisation = OrganisationFactory()
    assert person.has_perm(action) is (role in TABLE[action])
    assert person.has_perm(action, organisation) is (role in TABLE[action])


def _page_for(action: str) -> str:
    if action == "directory.add_partner":
        return reverse("directory:add")
    return reverse("directory:edit", args=[OrganisationFactory().slug])


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "role"), CELLS, ids=IDS)
def test_each_role_reaches_exactly_the_pages_the_table_allows(client, action, role):
    person = person_for_role(role)
    if role != Role.VISITOR:
        client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    url = _page_for(action)
    response = client.get(url)
    if role == Role.VISITOR:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif role in TABLE[action]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role), ids=[str(role) for role in Role])
def test_only_those_who_may_add_partners_see_the_add_button(client, role):
    person = person_for_role(role)
    if role != Role.VISITOR:
        client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    body = client.get(reverse("directory:list")).content.decode()
    assert ("Add a partner organisation" in body) is (role in TABLE["directory.add_partner"])


def test_the_table_names_only_known_roles():
    assert all(roles <= set(Role) for roles in TABLE.values())
