"""Members follow challenge areas and tags; the "What you follow" page; the follow buttons."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.test import RequestFactory

from hub.library.models import DigestSubscription, Follow, Tag
from hub.library.services import follows as services
from hub.library.taxonomy import ChallengeArea
from hub.library.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tag():
    tag = Tag.objects.create(name="Data sharing", slug="data-sharing")
    EntryFactory().tags.add(tag)  # a tag people can see: it labels a published entry
    return tag


def test_the_first_follow_turns_on_the_weekly_digest_with_a_random_token(member, tag):
    services.follow_add(user=member, challenge_area=ChallengeArea.TRANSPORT)
    services.follow_add(user=member, tag=tag)
    subscription = DigestSubscription.objects.get(user=member)
    assert subscription.weekly is True
    assert len(subscription.unsubscribe_token) >= 40
    assert Follow.objects.filter(user=member).count() == 2


def test_following_twice_changes_nothing_and_the_database_refuses_duplicates(member, tag):
    first = services.follow_add(user=member, tag=tag)
    assert services.follow_add(user=member, tag=tag) == first
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=member, tag=tag)
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=member, challenge_area="transport", tag=tag)


def test_unfollowing(member, tag):
    services.follow_add(user=member, tag=tag)
    assert services.follow_remove(user=member, tag=tag) is True
    assert services.follow_remove(user=member, tag=tag) is False
    assert not Follow.objects.exists()


def test_a_follow_needs_exactly_one_known_target(member, tag):
    with pytest.raises(ValidationError):
        services.follow_add(user=member)
    with pytest.raises(ValidationError):
        services.follow_add(user=member, challenge_area="transport", tag=tag)
    with pytest.raises(ValidationError):
        services.follow_add(user=member, challenge_area="space")


def test_visitors_cannot_follow(client, tag):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.follow_add(user=AnonymousUser(), tag=tag)
    response = client.post("/library/follow/", {"tag": tag.slug})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_follow_and_unfollow_buttons_post_and_come_back(signed_in, member, tag):
    client = signed_in(member)
    response = client.post("/library/follow/", {"challenge_area": "transport",
                                                "next": "/library/entries/"})
    assert response.status_code == 302 and response["Location"] == "/library/entries/"
    assert Follow.objects.filter(user=member, challenge_area="transport").exists()
    client.post("/library/follow/", {"tag": tag.slug})
    assert Follow.objects.filter(user=member, tag=tag).exists()
    response = client.post("/library/unfollow/", {"tag": tag.slug,
                                                  "next": "https://evil.example/"})
    assert response["Location"] == "/library/following/"  # never off-site
    assert not Follow.objects.filter(user=member, tag=tag).exists()


def test_unknown_targets_are_404(signed_in, member):
    client = signed_in(member)
    assert client.post("/library/follow/", {"tag": "nope"}).status_code == 404
    assert client.post("/library/follow/", {"challenge_area": "space"}).status_code == 404
    assert client.post("/library/follow/", {}).status_code == 404
    assert client.get("/library/follow/").status_code == 405


def test_the_following_page_lists_follows_and_sets_the_weekly_email(signed_in, member, tag):
    services.follow_add(user=member, challenge_area=ChallengeArea.HEALTH)
    services.follow_add(user=member, tag=tag)
    client = signed_in(member)
    page = client.get("/library/following/").content.decode()
    assert "Health and social care" in page and "Data sharing" in page
    assert "Stop following" in page and 'type="radio"' in page
    assert 'value="yes" checked' in page
    response = client.post("/library/following/", {"weekly": "no"})
    assert response.status_code == 302
    assert DigestSubscription.objects.get(user=member).weekly is False
    assert 'value="no" checked' in client.get("/library/following/").content.decode()


def test_the_weekly_setting_must_be_chosen(signed_in, member):
    page = signed_in(member).post("/library/following/", {}).content.decode()
    assert "govuk-error-summary" in page
    assert "Select whether you want the weekly email" in page


def test_the_following_page_needs_sign_in(client):
    response = client.get("/library/following/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _buttons(user, **context) -> str:
    request = RequestFactory().get("/library/entries/")
    request.user = user
    return render_to_string("library/_follow_buttons.html", {"request": request, **context})


def test_the_buttons_say_follow_or_stop_following_or_sign_in(member, tag):
    from django.contrib.auth.models import AnonymousUser

    assert "Sign in to follow “Data sharing”" in _buttons(AnonymousUser(), tag=tag)
    assert "Follow “Transport”" in _buttons(member, challenge_area=ChallengeArea.TRANSPORT)
    services.follow_add(user=member, challenge_area="transport")
    shown = _buttons(member, challenge_area="transport", label="Transport")
    assert "Stop following “Transport”" in shown
    assert 'action="/library/unfollow/"' in shown
    assert 'href="/library/feeds/areas/transport.atom"' in shown
    assert 'href="/library/feeds/tags/data-sharing.atom"' in _buttons(member, tag=tag)


def test_my_follows_are_in_my_data_and_go_when_i_delete_my_account(member):
    from hub.accounts.services import account_erase, account_export
    from hub.library.models import DigestSubscription, Follow
    from hub.library.services.follows import follow_add

    follow_add(user=member, challenge_area="transport")
    data = account_export(user=member)
    assert data["library"]["following"] == [{"challenge_area": "transport", "tag": ""}]
    assert data["library"]["weekly_digest"] is True
    account_erase(user=member, by=member)
    assert not Follow.objects.filter(user=member).exists()
    assert not DigestSubscription.objects.filter(user=member).exists()


def test_a_tag_used_only_on_unpublished_work_cannot_be_followed(signed_in, member, practitioner):
    from hub.library.models import Status

    secret = Tag.objects.create(name="Redundancies at Hartley", slug="redundancies-at-hartley")
    EntryFactory(status=Status.DRAFT, author=practitioner).tags.add(secret)
    client = signed_in(member)
    assert client.post("/library/follow/", {"tag": secret.slug}).status_code == 404
    assert client.get(f"/library/feeds/tags/{secret.slug}.atom").status_code == 404


def test_a_list_narrowed_to_one_area_or_tag_offers_to_follow_it(signed_in, member, tag):
    client = signed_in(member)
    area_list = client.get("/library/entries/?area=transport&sort=title").content.decode()
    assert "Follow “Transport”" in area_list
    # Outside the list's GET form (forms cannot nest).
    assert area_list.index('action="/library/follow/"') \
        < area_list.index('<form method="get" action="/library/entries/"')
    assert 'name="next" value="/library/entries/?area=transport&amp;sort=title"' in area_list
    tag_list = client.get(f"/library/entries/?tag={tag.slug}").content.decode()
    assert "Follow “Data sharing”" in tag_list
    # Several areas, or none: nothing to follow.
    for query in ("area=transport&area=health-and-social-care", "", "q=transport"):
        assert 'action="/library/follow/"' not in client.get(f"/library/entries/?{query}") \
            .content.decode()


def test_a_list_by_a_tag_of_unpublished_work_offers_nothing(signed_in, member, practitioner):
    from hub.library.models import Status

    secret = Tag.objects.create(name="Redundancies at Hartley", slug="redundancies-at-hartley")
    EntryFactory(status=Status.DRAFT, author=practitioner).tags.add(secret)
    page = signed_in(member).get(f"/library/entries/?tag={secret.slug}").content.decode()
    assert "Redundancies at Hartley" not in page
    assert 'action="/library/follow/"' not in page
