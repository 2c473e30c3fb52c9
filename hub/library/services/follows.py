"""Following challenge areas and tags, and the weekly digest setting that goes with it.

A member's first follow creates their ``DigestSubscription`` (weekly email on, with a random
token for the one-click unsubscribe link). That one follow exists once per person and thing
is a database constraint; these functions only make a repeated click harmless.
"""

import secrets

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from hub.core.audit import audit
from hub.library.models import DigestSubscription, Follow, Tag
from hub.library.taxonomy import ChallengeArea


def _target(*, challenge_area: str, tag: Tag | None) -> dict:
    if bool(challenge_area) == bool(tag):
        raise ValidationError("Choose either a challenge area or a tag to follow")
    if challenge_area and challenge_area not in ChallengeArea.values:
        raise ValidationError({"challenge_area": "Choose a challenge area from the list"})
    return {"challenge_area": challenge_area} if challenge_area else {"tag": tag}


def digest_subscription_for(*, user) -> DigestSubscription:
    """The person's digest setting, created (weekly, with a fresh token) the first time."""
    subscription = DigestSubscription.objects.filter(user=user).first()
    if subscription is not None:
        return subscription
    try:
        with transaction.atomic():
            return DigestSubscription.objects.create(
                user=user, weekly=True, unsubscribe_token=secrets.token_urlsafe(32)
            )
    except IntegrityError:  # created meanwhile by another request
        return DigestSubscription.objects.get(user=user)


@transaction.atomic
def follow_add(*, user, challenge_area: str = "", tag: Tag | None = None) -> Follow:
    """``user`` follows a challenge area or a tag. Following twice changes nothing."""
    if not user.has_perm("library.follow"):
        raise PermissionDenied("Sign in to follow challenge areas and tags.")
    target = _target(challenge_area=challenge_area, tag=tag)
    digest_subscription_for(user=user)
    follow = Follow.objects.filter(user=user, **target).first()
    if follow is not None:
        return follow
    try:
        with transaction.atomic():
            return Follow.objects.create(user=user, **target)
    except IntegrityError:  # the same click arrived twice at once
        return Follow.objects.get(user=user, **target)


@transaction.atomic
def follow_remove(*, user, challenge_area: str = "", tag: Tag | None = None) -> bool:
    """Stop following; ``False`` when the person was not following it."""
    target = _target(challenge_area=challenge_area, tag=tag)
    deleted, _ = Follow.objects.filter(user=user, **target).delete()
    return bool(deleted)


@transaction.atomic
def digest_set_weekly(*, user, weekly: bool) -> DigestSubscription:
    """Turn the weekly email on or off from the "What you follow" page."""
    subscription = digest_subscription_for(user=user)
    if subscription.weekly != weekly:
        subscription.weekly = weekly
        subscription.save(update_fields=["weekly", "updated_at"])
        audit(actor=user, action="digest.subscribe" if weekly else "digest.unsubscribe",
              target=subscription, from_state="off" if weekly else "weekly",
              to_state="weekly" if weekly else "off")
    return subscription


@transaction.atomic
def digest_unsubscribe(*, token: str) -> DigestSubscription | None:
    """The unsubscribe link in an email: no sign-in, the token is the proof. ``None`` when
    the token is unknown."""
    subscription = (
        DigestSubscription.objects.select_for_update().filter(unsubscribe_token=token).first()
        if token else None
    )
    if subscription is None:
        return None
    if subscription.weekly:
        subscription.weekly = False
        subscription.save(update_fields=["weekly", "updated_at"])
        audit(actor=None, action="digest.unsubscribe", target=subscription,
              from_state="weekly", to_state="off", detail={"via": "email link"})
    return subscription


# Used by the follow buttons: {% test_rule "library.follows" user challenge_area_or_tag %}
@rules.predicate
def follows(user, target) -> bool:
    if user is None or not user.is_authenticated or not target:
        return False
    if isinstance(target, Tag):
        return Follow.objects.filter(user=user, tag=target).exists()
    return Follow.objects.filter(user=user, challenge_area=str(target)).exists()


rules.add_rule("library.follows", follows)


# --- Personal data ---------------------------------------------------------------------------


def follows_export(user) -> dict:
    """What the library holds about a person, for "download my data"."""
    subscription = DigestSubscription.objects.filter(user=user).first()
    return {
        "following": [
            {"challenge_area": follow.challenge_area, "tag": follow.tag.name if follow.tag else ""}
            for follow in Follow.objects.filter(user=user).select_related("tag").order_by("pk")
        ],
        "weekly_digest": subscription.weekly if subscription else None,
    }


def follows_erase(user) -> None:
    Follow.objects.filter(user=user).delete()
    DigestSubscription.objects.filter(user=user).delete()
