from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from hub.core.models import TimeStampedModel

FORMER_MEMBER = "former member"


class User(AbstractUser):
    """A person with an account on the hub. People sign in with their email address; the
    username is an internal handle. When someone deletes their account, the row stays so that
    their contributions keep an author, but every personal detail is erased and they are shown
    as "former member"."""

    email = models.EmailField("email address", blank=True)
    display_name = models.CharField(
        "name shown on the hub",
        max_length=150,
        blank=True,
        help_text="How your name appears next to what you contribute.",
    )
    job_title = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        "directory.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="accounts_user_email_unique"
            )
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        if self.erased_at:
            return FORMER_MEMBER
        return self.display_name or self.get_full_name() or self.email.split("@")[0] or "member"


class PractitionerDomain(TimeStampedModel):
    """An email domain whose verified addresses belong to public servants. ``gov.uk`` covers
    the domain and every subdomain (``hmrc.gov.uk``); ``*.sch.uk`` covers subdomains only."""

    domain = models.CharField(max_length=253, unique=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class PractitionerRequest(TimeStampedModel):
    """A member asks a curator to recognise them as working in public services."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practitioner_requests"
    )
    organisation_name = models.CharField("organisation you work for", max_length=255)
    role_description = models.TextField("what you do")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="accounts_one_pending_practitioner_request",
            )
        ]

    def __str__(self) -> str:
        return f"Practitioner request from {self.user.public_name}"


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(TimeStampedModel):
    """A personal API token. Only a SHA-256 hash of the secret is kept; the secret itself is
    shown once, when the token is created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What you will use it for.")
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
