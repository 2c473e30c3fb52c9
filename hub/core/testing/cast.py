"""The cast of named people every test can use, one per role of DESIGN §1, plus someone from
another organisation. Use them as pytest fixtures (``def test_x(curator): ...``) or build the
whole cast with ``make_cast()``.

Curators and admins get a TOTP authenticator, since the hub requires one of them.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group

from hub.core.roles import Role

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test-only password


@dataclass(frozen=True)
class Character:
    key: str
    name: str
    email: str
    roles: tuple[str, ...]


CAST = [
    Character("member", "Maya Member", "maya@example.org", ()),
    Character("practitioner", "Priya Practitioner", "priya@dwp.gov.uk", (Role.PRACTITIONER,)),
    Character("reviewer", "Rhys Reviewer", "rhys@example.ac.uk", (Role.REVIEWER,)),
    Character("sponsor", "Sam Sponsor", "sam@hmrc.gov.uk", (Role.SPONSOR,)),
    Character("curator", "Cara Curator", "cara@hub.gov.uk", (Role.CURATOR,)),
    Character("admin", "Ada Admin", "ada@hub.gov.uk", (Role.ADMIN,)),
    Character("outsider", "Olu Other", "olu@othercouncil.gov.uk", (Role.PRACTITIONER,)),
]
BY_KEY = {character.key: character for character in CAST}

# Roles whose sole representative is this character, for permission-table tests.
ROLE_CHARACTERS = {
    Role.VISITOR: None,
    Role.MEMBER: "member",
    Role.PRACTITIONER: "practitioner",
    Role.REVIEWER: "reviewer",
    Role.SPONSOR: "sponsor",
    Role.CURATOR: "curator",
    Role.ADMIN: "admin",
}


def make_person(key: str):
    """Create (or fetch) one character with a verified email address and their roles."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    character = BY_KEY[key]
    User = get_user_model()
    user = User.objects.filter(email=character.email).first()
    if user is None:
        user = User.objects.create_user(
            username=key,
            email=character.email,
            password=PASSWORD,
            display_name=character.name,
        )
        EmailAddress.objects.create(user=user, email=character.email, verified=True, primary=True)
        for role in character.roles:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        if {Role.CURATOR, Role.ADMIN} & set(character.roles):
            from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

            TOTP.activate(user, generate_totp_secret())
            assert Authenticator.objects.filter(user=user).exists()
    return user


def person_for_role(role: str):
    key = ROLE_CHARACTERS[role]
    return AnonymousUser() if key is None else make_person(key)


def current_totp_code(user) -> str:
    """The code the person's authenticator app would show now."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = get_adapter().decrypt(authenticator.data["secret"])
    # A code read in the last seconds of its period may expire before the form is sent (the
    # hub accepts only the current period), so wait for a fresh one, as a person would.
    period = app_settings.TOTP_PERIOD
    if period - time.time() % period < 5:
        time.sleep(period - time.time() % period + 0.1)
    counter = int(time.time()) // period
    return format_hotp_value(hotp_value(secret, counter))
