"""Walks search's permission table cell by cell (role × action): the rule, the service that
acts on it, and the page people use. Searching itself is open to everyone (what each person
finds is tested in test_visibility.py); the questions the hub could not answer are for staff."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from hub.core.models import AuditEntry
from hub.core.roles import Role
from hub.core.testing.cast import person_for_role
from hub.search.models import UnansweredQuery
from hub.search.permissions import ROLES, TABLE
from hub.search.services import unanswered_close

pytestmark = pytest.mark.django_db

CELLS = [(action, role) for action in TABLE for role in ROLES]


def client_for(person) -> Client:
    client = Client()
    if person.is_authenticated:
        client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    return client


def text_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def question():
    today = dt.date.today()
    return UnansweredQuery.objects.create(text="zzqxv florp", times=3, first_asked=today,
                                          last_asked=today)


def test_the_table_covers_every_role_of_the_hub():
    assert set(ROLES) == set(Role)


@pytest.mark.parametrize(("action", "role"), CELLS, ids=[f"{a}-{r}" for a, r in CELLS])
def test_each_role_may_do_exactly_what_the_table_says(action, role):
    assert person_for_role(role).has_perm(action) is (role in TABLE[action])


@pytest.mark.parametrize("role", ROLES)
def test_the_unanswered_questions_page_is_for_those_the_table_lets_view_it(role, question):
    person = person_for_role(role)
    url = reverse("search:unanswered")
    for address in (url, f"{url}?format=csv"):
        response = client_for(person).get(address)
        if role in TABLE["search.view_unanswered"]:
            assert response.status_code == 200
            assert "zzqxv florp" in text_of(response)
        elif role == Role.VISITOR:
            assert response.status_code == 302  # asked to sign in first
            assert "zzqxv" not in response.content.decode()
        else:
            assert response.status_code == 403
            assert "zzqxv" not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_only_those_the_table_allows_can_close_a_question_through_the_service(role, question):
    person = person_for_role(role)
    if role in TABLE["search.close_unanswered"]:
        unanswered_close(record=question, by=person, status=UnansweredQuery.Status.ANSWERED)
        question.refresh_from_db()
        assert question.status == UnansweredQuery.Status.ANSWERED
        entry = AuditEntry.objects.get(action="search.unanswered_answered")
        assert (entry.from_state, entry.to_state) == ("open", "answered")
    else:
        with pytest.raises(PermissionDenied):
            unanswered_close(record=question, by=person,
                             status=UnansweredQuery.Status.ANSWERED)
        question.refresh_from_db()
        assert question.status == UnansweredQuery.Status.OPEN
        assert not AuditEntry.objects.filter(action__startswith="search.").exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_those_the_table_allows_can_close_a_question_through_the_page(role, question):
    person = person_for_role(role)
    response = client_for(person).post(
        reverse("search:unanswered_status", args=[question.pk]), {"status": "dismissed"})
    question.refresh_from_db()
    if role in TABLE["search.close_unanswered"]:
        assert response.status_code == 302
        assert question.status == UnansweredQuery.Status.DISMISSED
    else:
        assert response.status_code == (302 if role == Role.VISITOR else 403)
        assert question.status == UnansweredQuery.Status.OPEN


@pytest.mark.parametrize("role", ROLES)
def test_the_api_lists_unanswered_questions_only_to_those_the_table_lets_view_them(
        role, question):
    response = client_for(person_for_role(role)).get("/api/v1/search/unanswered")
    if role in TABLE["search.view_unanswered"]:
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1
        assert body["results"][0]["text"] == "zzqxv florp"
        assert body["results"][0]["times"] == 3
    else:
        assert response.status_code == (401 if role == Role.VISITOR else 403)
        assert "zzqxv" not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_only_those_the_table_allows_can_close_a_question_through_the_api(role, question):
    response = client_for(person_for_role(role)).post(
        f"/api/v1/search/unanswered/{question.pk}/status", {"status": "answered"},
        content_type="application/json")
    question.refresh_from_db()
    if role in TABLE["search.close_unanswered"]:
        assert response.status_code == 200
        assert response.json()["status"] == "answered"
        assert question.status == UnansweredQuery.Status.ANSWERED
        entry = AuditEntry.objects.get(action="search.unanswered_answered")
        assert (entry.from_state, entry.to_state) == ("open", "answered")
    else:
        assert response.status_code == (401 if role == Role.VISITOR else 403)
        assert question.status == UnansweredQuery.Status.OPEN
        assert not AuditEntry.objects.filter(action__startswith="search.").exists()


def test_the_api_lists_each_state_separately_and_refuses_unknown_ones(curator, question):
    client = client_for(curator)
    unanswered_close(record=question, by=curator, status=UnansweredQuery.Status.DISMISSED)
    assert client.get("/api/v1/search/unanswered").json()["count"] == 0
    dismissed = client.get("/api/v1/search/unanswered?status=dismissed").json()
    assert [row["text"] for row in dismissed["results"]] == ["zzqxv florp"]
    assert client.get("/api/v1/search/unanswered?status=maybe").status_code == 422
    assert client.post(f"/api/v1/search/unanswered/{question.pk}/status",
                       {"status": "maybe"}, content_type="application/json").status_code == 422
    assert client.post("/api/v1/search/unanswered/999999/status", {"status": "open"},
                       content_type="application/json").status_code == 404


def test_an_answered_question_asked_again_is_open_again_a_dismissed_one_stays_dismissed(
        curator, question):
    from hub.search.services import record_unanswered

    unanswered_close(record=question, by=curator, status=UnansweredQuery.Status.ANSWERED)
    record_unanswered("zzqxv florp", results=0, best_score=None)
    question.refresh_from_db()
    assert question.status == UnansweredQuery.Status.OPEN  # the answer did not reach search
    assert question.times == 4

    unanswered_close(record=question, by=curator, status=UnansweredQuery.Status.DISMISSED)
    record_unanswered("zzqxv florp", results=0, best_score=None)
    question.refresh_from_db()
    assert question.status == UnansweredQuery.Status.DISMISSED  # noise stays dismissed
    assert question.times == 5


def test_an_unknown_status_is_refused(curator, question):
    with pytest.raises(ValueError, match="Unknown status"):
        unanswered_close(record=question, by=curator, status="deleted")
    question.refresh_from_db()
    assert question.status == UnansweredQuery.Status.OPEN
