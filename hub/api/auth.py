"""How the API knows who is calling, tried in this order:

1. a personal token, ``Authorization: Bearer hub_…`` — a wrong or revoked token is a 401, never
   a silent fall-back to visitor;
2. the browser session (with CSRF protection for requests that change things);
3. for endpoints that visitors may read, nobody: the caller is a visitor.

``request.auth`` (and ``request.user``) is the person, or an anonymous user for a visitor.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from hub.accounts.services import api_token_authenticate, needs_two_factor_setup


class BearerToken(HttpBearer):
    """A personal API token, created on the account page."""

    def __call__(self, request):
        header = request.headers.get("Authorization")
        if header is None:
            return None  # no token: try the session
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer":
            raise AuthenticationError
        return self.authenticate(request, secret.strip())

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is None:
            raise AuthenticationError
        if needs_two_factor_setup(user):
            raise PermissionDenied(
                "Curators and admins must set up two-factor authentication before using the API."
            )
        request.user = user
        return user


class Session(SessionAuth):
    """The signed-in browser session; unsafe methods need the CSRF token. Without a signed-in
    session there is nothing to protect, so no CSRF check: the caller is a visitor (or is
    refused, where visitors may not call)."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


class Visitor:
    """Lets an endpoint answer callers without credentials, as a visitor would be answered."""

    def __call__(self, request):
        if not getattr(request, "user", None) or request.user.is_authenticated:
            request.user = AnonymousUser()
        return request.user


visitor = Visitor()
public = [BearerToken(), Session(csrf=True), visitor]
members = [BearerToken(), Session(csrf=True)]
