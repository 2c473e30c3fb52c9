"""Who may do what to a library entry, in which state.

``TABLE`` is the written permission table: action → state → the roles allowed. "author" is
the practitioner who wrote the entry; "practitioner" is any other practitioner. The rules
below implement it with predicates; ``tests/test_permission_table.py`` walks every cell
(role × state × action).

Hidden entries are 404, never 403: a person who may not view an entry must not learn that it
exists (see ``selectors.get_entry_for_user``).
"""

import rules

from hub.core.roles import A, C, M, P, R, S, V, is_curator, is_practitioner
from hub.library.models import Status

AUTHOR = "author"

D, SUB, REV, CHG, PUB, ARC = (Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW,
                              Status.CHANGES_REQUESTED, Status.PUBLISHED, Status.ARCHIVED)

# The columns of the table: every kind of person, the author included.
ROLES = [V, M, AUTHOR, P, R, S, C, A]
EVERYONE = set(ROLES)
STAFF = {C, A}
AUTHOR_AND_STAFF = {AUTHOR} | STAFF
UNPUBLISHED = [D, SUB, REV, CHG]

TABLE: dict[str, dict[str, set[str]]] = {
    "view": {D: AUTHOR_AND_STAFF, SUB: AUTHOR_AND_STAFF, REV: AUTHOR_AND_STAFF,
             CHG: AUTHOR_AND_STAFF, PUB: EVERYONE, ARC: AUTHOR_AND_STAFF},
    "edit": {D: AUTHOR_AND_STAFF, SUB: STAFF, REV: STAFF, CHG: AUTHOR_AND_STAFF,
             PUB: STAFF, ARC: set()},
    "submit": {D: {AUTHOR}, SUB: set(), REV: set(), CHG: {AUTHOR}, PUB: set(), ARC: set()},
    "review": {D: set(), SUB: STAFF, REV: set(), CHG: set(), PUB: set(), ARC: set()},
    "comment": {D: set(), SUB: AUTHOR_AND_STAFF, REV: AUTHOR_AND_STAFF,
                CHG: AUTHOR_AND_STAFF, PUB: set(), ARC: set()},
    "request_changes": {D: set(), SUB: STAFF, REV: STAFF, CHG: set(), PUB: set(),
                        ARC: set()},
    "publish": {D: STAFF, SUB: STAFF, REV: STAFF, CHG: STAFF, PUB: set(), ARC: set()},
    "archive": {D: set(), SUB: set(), REV: set(), CHG: set(), PUB: STAFF, ARC: set()},
    "restore": {D: set(), SUB: set(), REV: set(), CHG: set(), PUB: set(), ARC: STAFF},
    "export": {D: AUTHOR_AND_STAFF, SUB: AUTHOR_AND_STAFF, REV: AUTHOR_AND_STAFF,
               CHG: AUTHOR_AND_STAFF, PUB: EVERYONE, ARC: AUTHOR_AND_STAFF},
    "history": {D: AUTHOR_AND_STAFF, SUB: AUTHOR_AND_STAFF, REV: AUTHOR_AND_STAFF,
                CHG: AUTHOR_AND_STAFF, PUB: AUTHOR_AND_STAFF, ARC: AUTHOR_AND_STAFF},
}

# Actions that concern the library as a whole, not one entry.
GLOBAL_TABLE: dict[str, set[str]] = {
    "library.create_entry": {AUTHOR, P, C, A},
    "library.view_review_queue": STAFF,
    "library.manage_collections": STAFF,
    "library.import_entries": STAFF,
    "library.follow": {M, AUTHOR, P, R, S, C, A},
}


@rules.predicate
def is_entry_author(user, entry) -> bool:
    return entry is not None and user.is_authenticated and entry.author_id == user.pk


def in_states(*states):
    names = "_".join(states)

    @rules.predicate(name=f"in_states_{names}")
    def predicate(user, entry) -> bool:
        return entry is not None and entry.status in states

    return predicate


can_view = in_states(PUB) | is_entry_author | is_curator
can_edit = (is_entry_author & in_states(D, CHG)) | (is_curator & ~in_states(ARC))
can_submit = is_entry_author & in_states(D, CHG)
can_review = is_curator & in_states(SUB)
can_comment = (is_entry_author | is_curator) & in_states(SUB, REV, CHG)
can_request_changes = is_curator & in_states(SUB, REV)
can_publish = is_curator & in_states(D, SUB, REV, CHG)
can_archive = is_curator & in_states(PUB)
can_restore = is_curator & in_states(ARC)
can_see_history = is_entry_author | is_curator

rules.add_perm("library.view_entry", can_view)
rules.add_perm("library.edit_entry", can_edit)
rules.add_perm("library.submit_entry", can_submit)
rules.add_perm("library.review_entry", can_review)
rules.add_perm("library.comment_entry", can_comment)
rules.add_perm("library.request_changes_entry", can_request_changes)
rules.add_perm("library.publish_entry", can_publish)
rules.add_perm("library.archive_entry", can_archive)
rules.add_perm("library.restore_entry", can_restore)
rules.add_perm("library.export_entry", can_view)
rules.add_perm("library.history_entry", can_see_history)

rules.add_perm("library.create_entry", is_practitioner)
rules.add_perm("library.view_review_queue", is_curator)
rules.add_perm("library.manage_collections", is_curator)
rules.add_perm("library.import_entries", is_curator)
rules.add_perm("library.follow", rules.is_authenticated & rules.is_active)
