"""Every change to accounts, roles, allow-lists and API tokens goes through these functions,
whichever page, API call or command asks for it. Each one that changes state is audited."""

import hashlib
import secrets
import uuid
from datetime import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from hub.accounts.models import ApiToken, PractitionerDomain, PractitionerRequest, User
from hub.core import personal_data
from hub.core.audit import audit
from hub.core.models import AuditEntry
from hub.core.roles import GROUP_ROLES, Role, forget_roles, role_names

# --- Roles ------------------------------------------------------------------------------


def _group(role: str) -> Group:
    if role not in GROUP_ROLES:
        raise ValidationError(f"“{role}” is not a role that can be granted.")
    group, _ = Group.objects.get_or_create(name=role)
    return group


@transaction.atomic
def role_grant(*, user: User, role: str, by: User | None, reason: str = "") -> bool:
    """Give ``user`` the ``role``. ``by`` is checked against the permission table; ``None``
    means the hub acting on a rule (for example a verified public-service email address).
    Returns False when the person already held the role."""
    if by is not None and not by.has_perm("accounts.grant_role", role):
        raise PermissionDenied(f"You cannot grant the {role} role.")
    if user.erased_at:
        raise ValidationError("This account has been deleted.")
    group = _group(role)
    if user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.add(group)
    forget_roles(user)
    audit(
        actor=by,
        action="role.grant",
        target=user,
        from_state="",
        to_state=role,
        detail={"role": role, "reason": reason} if reason else {"role": role},
    )
    return True


@transaction.atomic
def role_revoke(*, user: User, role: str, by: User) -> bool:
    if not by.has_perm("accounts.grant_role", role):
        raise PermissionDenied(f"You cannot remove the {role} role.")
    if role == Role.ADMIN and user == by:
        raise ValidationError("You cannot remove your own admin role: ask another admin.")
    group = _group(role)
    if not user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.remove(group)
    forget_roles(user)
    audit(
        actor=by,
        action="role.revoke",
        target=user,
        from_state=role,
        to_state="",
        detail={"role": role},
    )
    return True


# --- Practitioner status ------------------------------------------------------------------


def normalise_domain(value: str) -> str:
    domain = (value or "").strip().lower().rstrip(".")
    if domain.startswith("@"):
        domain = domain[1:]
    bare = domain[2:] if domain.startswith("*.") else domain
    labels = bare.split(".")
    if len(labels) < 2 or not all(
        label
        and len(label) <= 63
        and label.replace("-", "").isalnum()
        and not label.startswith("-")
        and not label.endswith("-")
        for label in labels
    ):
        raise ValidationError(
            "Enter a domain like gov.uk, or *.sch.uk to cover only its subdomains"
        )
    return domain


def domain_matches(email_domain: str, rule: str) -> bool:
    email_domain = email_domain.lower()
    if rule.startswith("*."):
        return email_domain.endswith("." + rule[2:])
    return email_domain == rule or email_domain.endswith("." + rule)


def is_public_service_email(email: str) -> bool:
    domain = email.rpartition("@")[2].lower()
    if not domain:
        return False
    return any(
        domain_matches(domain, rule)
        for rule in PractitionerDomain.objects.values_list("domain", flat=True)
    )


def practitioner_grant_if_eligible(*, user: User, email: str) -> bool:
    """Called when an address is verified: public-service domains make a practitioner."""
    if Role.PRACTITIONER in role_names(user) or not is_public_service_email(email):
        return False
    return role_grant(
        user=user,
        role=Role.PRACTITIONER,
        by=None,
        reason=f"verified email address on the allow-list ({email.rpartition('@')[2]})",
    )


@transaction.atomic
def domain_add(*, domain: str, note: str = "", by: User) -> PractitionerDomain:
    if not by.has_perm("accounts.edit_allow_list"):
        raise PermissionDenied
    domain = normalise_domain(domain)
    if PractitionerDomain.objects.filter(domain=domain).exists():
        raise ValidationError(f"{domain} is already on the list")
    entry = PractitionerDomain.objects.create(domain=domain, note=note)
    audit(actor=by, action="allow_list.add", target=entry, to_state="listed")
    return entry


@transaction.atomic
def domain_remove(*, entry: PractitionerDomain, by: User) -> None:
    if not by.has_perm("accounts.edit_allow_list"):
        raise PermissionDenied
    audit(
        actor=by,
        action="allow_list.remove",
        target=entry,
        from_state="listed",
        detail={"domain": entry.domain},
    )
    entry.delete()


@transaction.atomic
def practitioner_request_create(
    *, user: User, organisation_name: str, role_description: str
) -> PractitionerRequest:
    if not user.has_perm("accounts.request_practitioner_status"):
        raise PermissionDenied("You are already a practitioner.")
    if user.practitioner_requests.filter(status=PractitionerRequest.Status.PENDING).exists():
        raise ValidationError("You have already asked: a curator will decide soon.")
    request = PractitionerRequest.objects.create(
        user=user,
        organisation_name=organisation_name.strip(),
        role_description=role_description.strip(),
    )
    audit(actor=user, action="practitioner_request.create", target=request, to_state="pending")
    return request


@transaction.atomic
def practitioner_request_decide(
    *, request: PractitionerRequest, by: User, approve: bool, note: str = ""
) -> PractitionerRequest:
    if not by.has_perm("accounts.decide_practitioner_request"):
        raise PermissionDenied
    if request.status != PractitionerRequest.Status.PENDING:
        raise ValidationError("This request has already been decided.")
    previous = request.status
    request.status = (
        PractitionerRequest.Status.APPROVED if approve else PractitionerRequest.Status.DECLINED
    )
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    request.save(
        update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"]
    )
    audit(
        actor=by,
        action="practitioner_request.decide",
        target=request,
        from_state=previous,
        to_state=request.status,
    )
    if approve:
        role_grant(
            user=request.user, role=Role.PRACTITIONER, by=by, reason="practitioner request approved"
        )
    return request


# --- Account life -------------------------------------------------------------------------


def account_signed_up(*, user: User) -> None:
    audit(actor=user, action="account.signup", target=user, to_state="unverified")


def email_verified(*, user: User, email: str) -> None:
    audit(
        actor=user,
        action="account.email_verified",
        target=user,
        from_state="unverified",
        to_state="verified",
    )
    practitioner_grant_if_eligible(user=user, email=email)


def email_changed(*, user: User, from_email: str, to_email: str) -> None:
    audit(actor=user, action="account.email_change", target=user)
    practitioner_grant_if_eligible(user=user, email=to_email)


def security_event(*, user: User, action: str) -> None:
    """Password changes and resets, MFA set-up and removal."""
    audit(actor=user, action=action, target=user)


@transaction.atomic
def profile_update(*, user: User, display_name: str, job_title: str, organisation) -> User:
    user.display_name = display_name.strip()
    user.job_title = job_title.strip()
    user.organisation = organisation
    user.save(update_fields=["display_name", "job_title", "organisation"])
    return user


def account_export(*, user: User) -> dict:
    """Everything the hub holds about a person, for "download my data"."""
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "job_title": user.job_title,
            "organisation": user.organisation.name if user.organisation else None,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "roles": sorted(role_names(user)),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "two_factor_methods": [
            {"type": authenticator.type, "created_at": authenticator.created_at.isoformat()}
            for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "api_tokens": [
            {
                "name": token.name,
                "prefix": token.prefix,
                "created_at": token.created_at.isoformat(),
                "last_used_at": _iso(token.last_used_at),
                "revoked_at": _iso(token.revoked_at),
            }
            for token in user.api_tokens.order_by("pk")
        ],
        "practitioner_requests": [
            {
                "organisation_name": request.organisation_name,
                "role_description": request.role_description,
                "status": request.status,
                "created_at": request.created_at.isoformat(),
                "decision_note": request.decision_note,
            }
            for request in user.practitioner_requests.order_by("pk")
        ],
        **personal_data.export_all(user),
        "activity": [
            {
                "when": entry.created_at.isoformat(),
                "action": entry.action,
                "object": entry.target_label,
                "from_state": entry.from_state,
                "to_state": entry.to_state,
            }
            for entry in AuditEntry.objects.filter(actor=user).order_by("pk")
        ],
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def account_erase(*, user: User, by: User) -> None:
    """Delete an account: personal data erased, contributions kept as "former member"."""
    if by != user and not by.has_perm("accounts.erase_account"):
        raise PermissionDenied
    audit(actor=by, action="account.erase", target=user, from_state="active", to_state="erased")
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.api_tokens.all().delete()
    user.practitioner_requests.all().delete()
    personal_data.erase_all(user)
    user.groups.clear()
    user.user_permissions.clear()
    user.username = f"former-{uuid.uuid4().hex[:16]}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.display_name = ""
    user.job_title = ""
    user.organisation = None
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.erased_at = timezone.now()
    user.set_unusable_password()
    user.save()
    forget_roles(user)
    # Earlier audit entries keep the link to the row, which now shows as "former member".


# --- Two-factor authentication for staff --------------------------------------------------


def needs_two_factor_setup(user) -> bool:
    """Curators and admins must have an authenticator app before they use the hub, whether
    through pages or the API."""
    from django.conf import settings

    from hub.core.roles import is_curator

    return bool(
        settings.HUB_REQUIRE_STAFF_MFA
        and user.is_authenticated
        and is_curator(user)
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )


# --- API tokens ---------------------------------------------------------------------------

TOKEN_PREFIX = "hub_"  # noqa: S105 - a public prefix, not a secret


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its secret. The secret is never stored: show it once."""
    if not user.has_perm("accounts.manage_api_tokens"):
        raise PermissionDenied
    if needs_two_factor_setup(user):
        raise ValidationError("Set up two-factor authentication before you create API tokens")
    name = name.strip()
    if not name:
        raise ValidationError("Enter a name for the token")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=secret[: len(TOKEN_PREFIX) + 6], key_hash=_hash(secret)
    )
    audit(actor=user, action="api_token.create", target=token, to_state="active")
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> None:
    if token.user_id != by.pk:
        raise PermissionDenied
    if token.revoked_at:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    audit(
        actor=by, action="api_token.revoke", target=token, from_state="active", to_state="revoked"
    )


def api_token_authenticate(secret: str) -> User | None:
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.active().select_related("user").filter(key_hash=_hash(secret)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
