"""The roles of DESIGN §1 as data (one auth group each) and the rules predicates that read
them. Every app builds its permission table from these predicates.

Visitor and member are not groups: a visitor is anyone not signed in, a member anyone who is.
"""

import rules
from django.db import models


class Role(models.TextChoices):
    VISITOR = "visitor", "Visitor"
    MEMBER = "member", "Member"
    PRACTITIONER = "practitioner", "Practitioner"
    REVIEWER = "reviewer", "Reviewer"
    SPONSOR = "sponsor", "Sponsor"
    CURATOR = "curator", "Curator"
    ADMIN = "admin", "Admin"


# Roles held through membership of an auth group of the same name.
GROUP_ROLES = [Role.PRACTITIONER, Role.REVIEWER, Role.SPONSOR, Role.CURATOR, Role.ADMIN]
# Roles a curator may grant; only admins grant staff roles.
CURATOR_GRANTABLE = [Role.PRACTITIONER, Role.REVIEWER, Role.SPONSOR]
STAFF_ROLES = [Role.CURATOR, Role.ADMIN]

ROLE_DESCRIPTIONS = {
    Role.VISITOR: "Anyone, not signed in: reads everything published.",
    Role.MEMBER: "Anyone signed in: keeps a profile, submits ideas, comments, "
    "registers for events.",
    Role.PRACTITIONER: "Works in public services: submits case studies, asks for research help, "
    "joins cohorts and the innovators' network.",
    Role.REVIEWER: "Scores the ideas assigned to them, including unpublished ones.",
    Role.SPONSOR: "Departmental leader: decides gates and budgets for what they sponsor.",
    Role.CURATOR: "Hub staff: edits, publishes and archives anything; runs the hub's work.",
    Role.ADMIN: "System owner: users, roles, allow-lists, settings, audit log.",
}


def role_names(user) -> frozenset[str]:
    """The group roles a user holds, read once per request and kept on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_hub_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._hub_roles = cached
    return cached


def forget_roles(user) -> None:
    """Call after changing someone's groups so the next check reads them again."""
    if hasattr(user, "_hub_roles"):
        del user._hub_roles


def _has_role(role: str):
    @rules.predicate(name=f"has_role_{role}")
    def predicate(user) -> bool:
        return role in role_names(user)

    return predicate


is_member = rules.is_authenticated & rules.is_active
is_admin = _has_role(Role.ADMIN)
is_curator = _has_role(Role.CURATOR) | is_admin
is_sponsor = _has_role(Role.SPONSOR)
is_reviewer = _has_role(Role.REVIEWER)
# Hub staff work in public service, so they count as practitioners too.
is_practitioner = _has_role(Role.PRACTITIONER) | is_curator

# One-letter names for writing permission tables compactly:
# visitor, member, practitioner, reviewer, sponsor, curator, admin.
V, M, P, R, S, C, A = (
    Role.VISITOR,
    Role.MEMBER,
    Role.PRACTITIONER,
    Role.REVIEWER,
    Role.SPONSOR,
    Role.CURATOR,
    Role.ADMIN,
)
