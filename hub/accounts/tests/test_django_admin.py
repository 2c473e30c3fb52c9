"""The Django admin cannot be used to slip past the audited services."""

import pytest
from django.contrib.auth.models import Group

from hub.core.roles import role_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, django_user_model):
    boss = django_user_model.objects.create_superuser(
        username="root", email="root@hub.gov.uk", password="x-very-long-password"
    )
    client.force_login(boss, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_roles_cannot_be_granted_in_the_django_admin(superuser_client, member):
    url = f"/django-admin/accounts/user/{member.pk}/change/"
    assert superuser_client.get(url).status_code == 200
    curator_group = Group.objects.get(name="curator")
    response = superuser_client.post(url, {
        "username": member.username, "email": member.email, "groups": [curator_group.pk],
        "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
    })
    assert response.status_code == 302, "the change form saved"
    member.refresh_from_db()
    assert "curator" not in role_names(member)


def test_organisations_are_read_only_in_the_django_admin(superuser_client):
    assert superuser_client.get("/django-admin/directory/organisation/").status_code == 200
    assert superuser_client.get("/django-admin/directory/organisation/add/").status_code == 403
