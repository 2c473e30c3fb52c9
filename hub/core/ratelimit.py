"""How often one person, or one address, may ask for something costly (a search embeds the
query; the prior-art panel embeds a draft) before being asked to wait: a fixed window per
minute, counted in the cache (Redis in production, so every worker shares the count).

Why not django-ratelimit: docs/decisions/0007-rate-limits.md.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

WINDOW_SECONDS = 60


def who(request) -> str:
    """The account, or the address a visitor asks from (as allauth finds it behind trusted
    proxies: ALLAUTH_TRUSTED_PROXY_COUNT)."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    from allauth.account.adapter import get_adapter

    try:
        return f"ip:{get_adapter(request).get_client_ip(request)}"
    except PermissionDenied:
        return "ip:unknown"


def allowed(request, scope: str) -> bool:
    """Count this request against ``scope``'s limit (``settings.HUB_RATE_LIMITS[scope]``
    requests a minute for each person or address); False once the limit is passed."""
    limit = settings.HUB_RATE_LIMITS.get(scope)
    if not limit:
        return True
    window = int(time.time() // WINDOW_SECONDS)
    caller = hashlib.sha256(who(request).encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{window}:{caller}"
    if cache.add(key, 1, timeout=WINDOW_SECONDS * 2):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr: a new window
        cache.add(key, 1, timeout=WINDOW_SECONDS * 2)
        return True


def retry_after() -> int:
    """Seconds until the current window ends."""
    return WINDOW_SECONDS - int(time.time() % WINDOW_SECONDS)
