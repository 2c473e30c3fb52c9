"""Who may manage accounts, roles and the practitioner allow-list.

``TABLE`` is the written permission table (role × action). The rules below implement it with
the shared role predicates; ``tests/test_permission_table.py`` checks every cell.
"""

import rules

from hub.core.roles import (
    CURATOR_GRANTABLE,
    A,
    C,
    M,
    P,
    R,
    S,
    V,
    is_admin,
    is_curator,
    is_member,
    is_practitioner,
)


@rules.predicate
def may_grant(user, role) -> bool:
    """Curators grant practitioner, reviewer and sponsor; only admins grant staff roles."""
    if is_admin(user):
        return True
    if not is_curator(user):
        return False
    return role is None or role in CURATOR_GRANTABLE


rules.add_perm("accounts.grant_role", may_grant)
rules.add_perm("accounts.view_people", is_curator)
rules.add_perm("accounts.decide_practitioner_request", is_curator)
rules.add_perm("accounts.edit_allow_list", is_admin)
rules.add_perm("accounts.erase_account", is_admin)
rules.add_perm("accounts.request_practitioner_status", is_member & ~is_practitioner)
rules.add_perm("accounts.manage_api_tokens", is_member)
rules.add_perm("accounts.manage_own_account", is_member)

# action → the roles that may do it. Every role not listed may not.
TABLE: dict[str, set[str]] = {
    "core.view_audit_log": {C, A},
    "core.export_audit_log": {C, A},
    "accounts.view_people": {C, A},
    "accounts.decide_practitioner_request": {C, A},
    "accounts.edit_allow_list": {A},
    "accounts.erase_account": {A},
    "accounts.request_practitioner_status": {M, R, S},
    "accounts.manage_api_tokens": {M, P, R, S, C, A},
    "accounts.manage_own_account": {M, P, R, S, C, A},
}

# The grant table: which roles each role may grant (and remove).
GRANT_TABLE: dict[str, set[str]] = {
    V: set(),
    M: set(),
    P: set(),
    R: set(),
    S: set(),
    C: {P, R, S},
    A: {P, R, S, C, A},
}
