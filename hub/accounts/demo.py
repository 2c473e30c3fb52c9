"""Demo people for `make run`: one per role, with sign-ins listed in the README.

Only the demo set-up creates them, and it refuses to run unless DEBUG is on (or it is told
explicitly that this is not production). Curators and admins must use two-factor
authentication; their demo TOTP secrets are fixed so that `manage.py demo_totp` can print
the current codes.
"""

import time

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction

from hub.accounts.models import User
from hub.accounts.services import role_grant
from hub.core.roles import Role

DEMO_PASSWORD = "innovation-demo"  # noqa: S105 - published demo credential, never production

# (email, name, roles, organisation slug, fixed demo TOTP secret)
DEMO_PEOPLE = [
    ("member@demo.example.org", "Morgan Member", [], None, None),
    ("practitioner@demo.gov.uk", "Pat Practitioner", [Role.PRACTITIONER],
     "department-for-work-pensions", None),
    ("reviewer@demo.example.ac.uk", "Robin Reviewer", [Role.REVIEWER], None, None),
    ("sponsor@demo.gov.uk", "Sasha Sponsor", [Role.SPONSOR, Role.PRACTITIONER],
     "hm-revenue-customs", None),
    ("curator@demo.gov.uk", "Casey Curator", [Role.CURATOR], None, "JBSWY3DPEHPK3PXPCURATORA"),
    ("admin@demo.gov.uk", "Alex Admin", [Role.ADMIN], None, "JBSWY3DPEHPK3PXPADMINAAA"),
]


@transaction.atomic
def load_demo_people() -> list[tuple[str, str, list[str]]]:
    from allauth.mfa.totp.internal.auth import TOTP

    from hub.directory.models import Organisation

    created = []
    for email, name, roles, org_slug, totp_secret in DEMO_PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(username=email.split("@")[0] + "-demo", email=email, display_name=name)
            user.set_password(DEMO_PASSWORD)
            user.organisation = Organisation.objects.filter(slug=org_slug).first()
            user.save()
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        for role in roles:
            role_grant(user=user, role=role, by=None, reason="demo set-up")
        if totp_secret and not Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists():
            TOTP.activate(user, totp_secret)
        created.append((email, name, [str(role.label) for role in roles] or ["Member"]))
    return created


def demo_totp_codes() -> list[tuple[str, str]]:
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return [
        (email, format_hotp_value(hotp_value(secret, counter)))
        for email, _name, _roles, _org, secret in DEMO_PEOPLE
        if secret
    ]
