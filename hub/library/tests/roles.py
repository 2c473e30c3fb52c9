"""The people of the library's permission table: "author" is the cast's practitioner (who
writes the entries under test), "practitioner" another practitioner."""

from django.test import Client

from hub.core.roles import Role
from hub.core.testing.cast import make_person, person_for_role
from hub.library.permissions import AUTHOR


def person_for_library_role(role):
    if role == AUTHOR:
        return make_person("practitioner")
    if role == Role.PRACTITIONER:
        return make_person("outsider")
    return person_for_role(role)


def client_for_library_role(role) -> Client:
    client = Client()
    person = person_for_library_role(role)
    if person.is_authenticated:
        client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    return client
