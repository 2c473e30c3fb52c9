"""Walks the accounts permission tables cell by cell: every role × every action."""

import pytest

from hub.accounts.permissions import GRANT_TABLE, TABLE
from hub.core.roles import GROUP_ROLES, Role
from hub.core.testing.cast import person_for_role

CELLS = [(action, role) for action in TABLE for role in Role]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "role"), CELLS, ids=[f"{a}-{r}" for a, r in CELLS])
def test_each_role_may_do_exactly_what_the_table_says(action, role):
    person = person_for_role(role)
    assert person.has_perm(action) is (role in TABLE[action])


GRANT_CELLS = [(granter, role) for granter in Role for role in GROUP_ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("granter", "role"), GRANT_CELLS,
                         ids=[f"{g}-grants-{r}" for g, r in GRANT_CELLS])
def test_each_role_may_grant_exactly_the_roles_the_table_says(granter, role):
    person = person_for_role(granter)
    assert person.has_perm("accounts.grant_role", role) is (role in GRANT_TABLE[granter])


def test_the_table_covers_every_role():
    assert set(GRANT_TABLE) == set(Role)
