"""Following challenge areas and tags, the "What you follow" page with the weekly digest
setting, and the unsubscribe link of the digest email."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from hub.library import selectors
from hub.library.models import DigestSubscription, Follow, Tag
from hub.library.services import follows as services
from hub.library.taxonomy import ChallengeArea


class FollowForm(forms.Form):
    """What the follow buttons post: a challenge area or a tag slug, and where to go back."""

    challenge_area = forms.ChoiceField(choices=[("", "")] + ChallengeArea.choices,
                                       required=False)
    tag = forms.SlugField(required=False, max_length=90)
    next = forms.CharField(required=False, max_length=2000)


class DigestForm(forms.Form):
    weekly = forms.ChoiceField(
        label="Do you want a weekly email of new entries in what you follow?",
        choices=[("yes", "Yes, email me once a week when there is something new"),
                 ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you want the weekly email"},
    )


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _follow_target(form: FollowForm, *, user=None) -> dict:
    """What to follow: a challenge area, or a tag on published entries. To stop following,
    ``user`` is given and any tag they follow is found, published entries or not."""
    if not form.is_valid():
        raise Http404("Nothing to follow")
    area, slug = form.cleaned_data["challenge_area"], form.cleaned_data["tag"]
    if slug:
        if user is not None:
            return {"tag": get_object_or_404(Tag, slug=slug, followers__user=user)}
        return {"tag": selectors.get_public_tag(slug=slug)}
    if area:
        return {"challenge_area": area}
    raise Http404("Nothing to follow")


def _label(target: dict) -> str:
    if "tag" in target:
        return target["tag"].name
    return ChallengeArea(target["challenge_area"]).label


@login_required
@require_POST
def follow(request):
    target = _follow_target(FollowForm(request.POST))
    services.follow_add(user=request.user, **target)
    messages.success(request, f"You are following “{_label(target)}”. We will email you once "
                              f"a week when something new is published.")
    return redirect(_back(request, reverse("library:following")))


@login_required
@require_POST
def unfollow(request):
    target = _follow_target(FollowForm(request.POST), user=request.user)
    try:
        services.follow_remove(user=request.user, **target)
    except ValidationError as error:
        raise Http404(error.messages[0]) from None
    messages.success(request, f"You have stopped following “{_label(target)}”.")
    return redirect(_back(request, reverse("library:following")))


@login_required
def following(request):
    subscription = DigestSubscription.objects.filter(user=request.user).first()
    weekly = subscription.weekly if subscription else True
    form = DigestForm(request.POST if request.method == "POST" else None,
                      initial={"weekly": "yes" if weekly else "no"})
    if request.method == "POST" and form.is_valid():
        weekly = form.cleaned_data["weekly"] == "yes"
        services.digest_set_weekly(user=request.user, weekly=weekly)
        messages.success(request, "You will get the weekly email." if weekly
                         else "You will not get the weekly email.")
        return redirect("library:following")
    follows = list(Follow.objects.filter(user=request.user).select_related("tag"))
    return render(request, "library/following.html", {
        "form": form,
        "areas": sorted((f for f in follows if f.challenge_area), key=str),
        "tags": sorted((f for f in follows if f.tag_id), key=lambda f: f.tag.name.lower()),
        "subscription": subscription,
    })


# This endpoint is CSRF-exempt, and it is the only one in the library that is. CSRF
# protection stops another site from making a signed-in person's browser act with their
# session; this view never looks at the session or the signed-in person. What authorises the
# change is the 256-bit random token in the URL, which only the recipient of the email knows,
# and the only thing it can do is turn the weekly email off. Mail programs that honour
# RFC 8058 (the List-Unsubscribe-Post header) POST "List-Unsubscribe=One-Click" here with no
# cookie and no CSRF token, so the check would make one-click unsubscribe impossible.
# GET never unsubscribes (link scanners and previews follow links): it shows a confirmation
# page whose button POSTs here.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    if request.method == "POST":
        subscription = services.digest_unsubscribe(token=token)
        if subscription is None:
            raise Http404("This unsubscribe link is not known")
        return render(request, "library/unsubscribe_done.html", {"subscription": subscription})
    subscription = get_object_or_404(DigestSubscription, unsubscribe_token=token)
    return render(request, "library/unsubscribe.html", {"subscription": subscription})


urlpatterns = [
    path("follow/", follow, name="follow"),
    path("unfollow/", unfollow, name="unfollow"),
    path("following/", following, name="following"),
    re_path(r"^unsubscribe/(?P<token>[A-Za-z0-9_-]{20,100})/$", unsubscribe, name="unsubscribe"),
]
