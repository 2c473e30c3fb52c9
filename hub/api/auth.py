"""How the API knows who is calling: a personal token (``Authorization: Bearer hub_…``) or
the browser session. Without either the caller is a visitor and sees what visitors see."""

from django.contrib.auth.models import AnonymousUser
from ninja.errors import AuthenticationError
from ninja.security import SessionAuth

from hub.accounts.services import api_token_authenticate


class TokenOrSession(SessionAuth):
    """Accepts a bearer token; else the session (with CSRF for unsafe methods); else, for
    endpoints that allow visitors, an anonymous caller."""

    def __init__(self, *, allow_visitors: bool) -> None:
        super().__init__(csrf=True)
        self.allow_visitors = allow_visitors

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _, secret = header.partition(" ")
            user = api_token_authenticate(secret.strip()) if scheme.lower() == "bearer" else None
            if user is None:
                raise AuthenticationError
            request.user = user
            return user
        user = super().__call__(request)
        if user:
            return user
        if self.allow_visitors:
            request.user = AnonymousUser()
            return request.user
        return None


public = TokenOrSession(allow_visitors=True)
members = TokenOrSession(allow_visitors=False)
