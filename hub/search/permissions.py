"""Who may do what with search. Searching itself is open to everyone: what each person finds
is limited by the owning app's visibility rules (``registry.Kind.visible_unpublished``).

``TABLE`` is walked cell by cell in ``tests/test_permissions.py``.
"""

import rules

from hub.core.roles import A, C, M, P, R, S, V, is_curator

ROLES = [V, M, P, R, S, C, A]
STAFF = {C, A}

TABLE: dict[str, set[str]] = {
    # "Questions the library cannot answer yet": what people searched for and did not find.
    "search.view_unanswered": STAFF,
    "search.close_unanswered": STAFF,
}

rules.add_perm("search.view_unanswered", is_curator)
rules.add_perm("search.close_unanswered", is_curator)
