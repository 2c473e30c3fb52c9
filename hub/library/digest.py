"""The weekly email of new library entries in the challenge areas and tags a member follows.

``send_weekly_digests()`` is run once a week by ``manage.py send_library_digest`` (from cron
or a systemd timer) or as the background task ``send_weekly_digests_task``. Each person gets
at most one email, and only when something new was published since their last one; running
it twice in a week sends nothing the second time.

Nobody whose account is inactive or deleted, or whose email address is not verified, is
emailed. Every email carries a one-click unsubscribe link (RFC 8058).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from hub.library.models import DigestSubscription, Entry, Follow

logger = logging.getLogger(__name__)

WINDOW = timedelta(days=7)  # how far back the first digest looks
MAX_ENTRIES = 50  # in one email; the rest are a link away


def base_url() -> str:
    return getattr(settings, "HUB_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


@dataclass
class DigestItem:
    entry: Entry
    url: str
    because: list[str] = field(default_factory=list)  # "Transport", "data sharing"


@dataclass
class Digest:
    subscription: DigestSubscription
    items: list[DigestItem]
    more: int  # new entries beyond MAX_ENTRIES
    since: datetime
    unsubscribe_url: str
    following_url: str
    library_url: str


def subscriptions_to_email():
    """Weekly subscriptions of active, not deleted people with a verified email address."""
    verified = EmailAddress.objects.filter(
        user=OuterRef("user"), email__iexact=OuterRef("user__email"), verified=True
    )
    return (
        DigestSubscription.objects.filter(
            weekly=True, user__is_active=True, user__erased_at__isnull=True
        )
        .exclude(user__email="")
        .filter(Exists(verified))
        .select_related("user")
        .order_by("pk")
    )


def build_digest(subscription: DigestSubscription, *, now: datetime) -> Digest | None:
    """What is new for this person since their last digest (or in the past week), or
    ``None`` when there is nothing."""
    follows = list(Follow.objects.filter(user=subscription.user).select_related("tag"))
    areas = {follow.challenge_area: follow for follow in follows if follow.challenge_area}
    tags = {follow.tag_id: follow.tag for follow in follows if follow.tag_id}
    if not areas and not tags:
        return None
    since = subscription.last_sent_at or (now - WINDOW)
    entries = (
        Entry.objects.published()
        .filter(published_at__gt=since, published_at__lte=now)
        .filter(Q(challenge_area__in=list(areas)) | Q(tags__in=list(tags)))
        .distinct()
        .for_lists()
        .order_by("-published_at", "-pk")
    )
    found = list(entries[: MAX_ENTRIES + 1])
    if not found:
        return None
    more = 0
    if len(found) > MAX_ENTRIES:
        more = entries.count() - MAX_ENTRIES
        found = found[:MAX_ENTRIES]
    root = base_url()
    items = []
    for entry in found:
        because = [entry.get_challenge_area_display()] if entry.challenge_area in areas else []
        because += [tag.name for tag in entry.tags.all() if tag.pk in tags]
        items.append(DigestItem(entry=entry, url=root + entry.get_absolute_url(),
                                because=because))
    return Digest(
        subscription=subscription,
        items=items,
        more=more,
        since=since,
        unsubscribe_url=root + reverse("library:unsubscribe",
                                       kwargs={"token": subscription.unsubscribe_token}),
        following_url=root + reverse("library:following"),
        library_url=root + reverse("library:entries"),
    )


def digest_message(digest: Digest) -> EmailMultiAlternatives:
    count = len(digest.items) + digest.more
    subject = (f"{count} new {'entry' if count == 1 else 'entries'} in the learning library "
               f"on what you follow")
    context = {"digest": digest, "count": count, "user": digest.subscription.user,
               "service_name": getattr(settings, "HUB_SERVICE_NAME", "Innovation Hub")}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("library/digest_email.txt", context),
        to=[digest.subscription.user.email],
        headers={
            # RFC 2369 and RFC 8058: mail programs show an "Unsubscribe" button that POSTs
            # "List-Unsubscribe=One-Click" to this address.
            "List-Unsubscribe": f"<{digest.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("library/digest_email.html", context),
                               "text/html")
    return message


def send_weekly_digests(*, now: datetime | None = None) -> int:
    """Email every weekly subscriber what is new for them. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    for subscription in subscriptions_to_email().iterator(chunk_size=200):
        digest = build_digest(subscription, now=now)
        if digest is None:
            continue
        try:
            digest_message(digest).send()
        except Exception:  # one bad address must not stop everyone else's digest
            logger.exception("Could not send the library digest to subscription %s",
                             subscription.pk)
            continue
        subscription.last_sent_at = now
        subscription.save(update_fields=["last_sent_at", "updated_at"])
        sent += 1
    return sent


@task()
def send_weekly_digests_task() -> int:
    """The weekly digest as a background task (``manage.py db_worker`` runs it)."""
    return send_weekly_digests()
