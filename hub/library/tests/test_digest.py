"""The weekly digest email of new entries in what a member follows, and its one-click
unsubscribe link."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.test import Client

from hub.accounts.services import account_erase
from hub.library.digest import send_weekly_digests, send_weekly_digests_task
from hub.library.models import DigestSubscription, Status, Tag
from hub.library.services import follows
from hub.library.taxonomy import ChallengeArea
from hub.library.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 8, 7, 0, tzinfo=dt.UTC)


def days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


@pytest.fixture(autouse=True)
def _email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.HUB_BASE_URL = "https://hub.example.org"


@pytest.fixture
def data_tag():
    return Tag.objects.create(name="Data sharing", slug="data-sharing")


@pytest.fixture
def follower(member, data_tag):
    follows.follow_add(user=member, challenge_area=ChallengeArea.TRANSPORT)
    follows.follow_add(user=member, tag=data_tag)
    return member


@pytest.fixture
def week(data_tag, practitioner):
    """What was published this week and before, in and out of what the member follows."""
    wanted = [
        EntryFactory(title="Bus lanes that pay for themselves",
                     challenge_area=ChallengeArea.TRANSPORT, published_at=days_ago(2)),
        EntryFactory(title="Sharing GP records safely", challenge_area=ChallengeArea.HEALTH,
                     published_at=days_ago(3)),
    ]
    wanted[1].tags.add(data_tag)
    unwanted = [
        EntryFactory(title="A health entry without the tag",
                     challenge_area=ChallengeArea.HEALTH, published_at=days_ago(1)),
        EntryFactory(title="Old transport news", challenge_area=ChallengeArea.TRANSPORT,
                     published_at=days_ago(10)),
        EntryFactory(title="Transport draft", challenge_area=ChallengeArea.TRANSPORT,
                     status=Status.DRAFT, author=practitioner, published_at=None),
        EntryFactory(title="Archived transport", challenge_area=ChallengeArea.TRANSPORT,
                     status=Status.ARCHIVED, published_at=days_ago(2)),
    ]
    return wanted, unwanted


def test_one_email_with_the_new_entries_in_what_they_follow(follower, week):
    wanted, unwanted = week
    assert send_weekly_digests(now=NOW) == 1
    [message] = mail.outbox
    assert message.to == ["maya@example.org"]
    assert message.subject == "2 new entries in the learning library on what you follow"
    html = message.alternatives[0][0]
    for body in (message.body, html):
        for entry in wanted:
            assert entry.title in body
            assert f"https://hub.example.org/library/entries/{entry.slug}/" in body
        for entry in unwanted:
            assert entry.title not in body
    assert "because you follow Transport" in message.body
    assert "because you follow Data sharing" in message.body
    token = DigestSubscription.objects.get(user=follower).unsubscribe_token
    unsubscribe = f"https://hub.example.org/library/unsubscribe/{token}/"
    assert unsubscribe in message.body and unsubscribe in html
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert DigestSubscription.objects.get(user=follower).last_sent_at == NOW


def test_running_again_sends_nothing_until_something_new_is_published(follower, week):
    send_weekly_digests(now=NOW)
    assert send_weekly_digests(now=NOW + dt.timedelta(hours=1)) == 0
    later = NOW + dt.timedelta(days=7)
    EntryFactory(title="Cycle hire for everyone", challenge_area=ChallengeArea.TRANSPORT,
                 published_at=later - dt.timedelta(days=1))
    assert send_weekly_digests(now=later) == 1
    assert len(mail.outbox) == 2
    assert "Cycle hire for everyone" in mail.outbox[1].body
    assert "Bus lanes" not in mail.outbox[1].body
    assert mail.outbox[1].subject.startswith("1 new entry ")


def test_nothing_is_sent_when_nothing_is_new(follower):
    EntryFactory(challenge_area=ChallengeArea.HEALTH, published_at=days_ago(1))
    assert send_weekly_digests(now=NOW) == 0
    assert mail.outbox == []
    assert DigestSubscription.objects.get(user=follower).last_sent_at is None


def test_nothing_is_sent_after_unsubscribing(follower, week):
    follows.digest_set_weekly(user=follower, weekly=False)
    assert send_weekly_digests(now=NOW) == 0
    assert mail.outbox == []


def test_inactive_deleted_and_unverified_people_are_never_emailed(follower, week, practitioner,
                                                                   outsider, curator):
    for person in (practitioner, outsider, curator):
        follows.follow_add(user=person, challenge_area=ChallengeArea.TRANSPORT)
    follower.is_active = False
    follower.save()
    EmailAddress.objects.filter(user=practitioner).update(verified=False)
    account_erase(user=outsider, by=outsider)
    assert send_weekly_digests(now=NOW) == 1
    assert [message.to for message in mail.outbox] == [["cara@hub.gov.uk"]]


def test_the_task_and_the_command_send_the_digest(follower, week, monkeypatch):
    monkeypatch.setattr("hub.library.digest.timezone.now", lambda: NOW)
    result = send_weekly_digests_task.enqueue()
    assert result.return_value == 1
    EntryFactory(title="Trams on time", challenge_area=ChallengeArea.TRANSPORT,
                 published_at=NOW - dt.timedelta(minutes=1))
    DigestSubscription.objects.update(last_sent_at=days_ago(1))
    from io import StringIO

    out = StringIO()
    call_command("send_library_digest", stdout=out)
    assert out.getvalue().strip() == "Sent 1 library digest email."
    assert "Trams on time" in mail.outbox[-1].body
    call_command("send_library_digest", "--enqueue", stdout=out)
    assert "Queued the library digest" in out.getvalue()


# --- Unsubscribing ----------------------------------------------------------------------------


@pytest.fixture
def token(follower):
    return DigestSubscription.objects.get(user=follower).unsubscribe_token


def test_the_link_shows_a_confirmation_page_and_does_not_unsubscribe_on_its_own(client, token):
    page = client.get(f"/library/unsubscribe/{token}/")
    assert page.status_code == 200
    assert "Unsubscribe from the weekly email" in page.content.decode()
    assert DigestSubscription.objects.get().weekly is True


def test_the_confirmation_button_unsubscribes_without_signing_in(token):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"/library/unsubscribe/{token}/")
    csrf = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else ""
    response = browser.post(f"/library/unsubscribe/{token}/", {"csrfmiddlewaretoken": csrf})
    assert response.status_code == 200
    assert "You have unsubscribed" in response.content.decode()
    assert DigestSubscription.objects.get().weekly is False


def test_one_click_unsubscribe_from_a_mail_program_works_without_login_or_csrf(token):
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(f"/library/unsubscribe/{token}/",
                                 "List-Unsubscribe=One-Click",
                                 content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    subscription = DigestSubscription.objects.get()
    assert subscription.weekly is False
    assert send_weekly_digests(now=NOW) == 0
    # Doing it again is harmless.
    assert mail_program.post(f"/library/unsubscribe/{token}/").status_code == 200


def test_an_unknown_token_is_404(client, token):
    assert client.get("/library/unsubscribe/not-a-token/").status_code == 404
    assert client.post("/library/unsubscribe/not-a-token/").status_code == 404
    assert DigestSubscription.objects.get().weekly is True
