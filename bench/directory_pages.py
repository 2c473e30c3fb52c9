"""Directory pages and API: SQL queries per page and latency, against a bare Django view.

Run with `make bench` (or `DEBUG=true .venv/bin/python bench/directory_pages.py`). It builds
its own database (SQLite by default; set BENCH_DATABASE_URL for PostgreSQL), loads the real
public bodies, and times each URL in-process through Django's test client — the whole Django
stack (middleware, view, ORM, template) without the network. The baseline is a view that
returns a fixed response through the same middleware.

Prints one table; not a test, nothing is asserted.
"""

import os
import statistics
import time

from _django import start  # noqa: E402 - sets up Django

_db_file = start("directory")

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "50"))


def bare(request):
    return HttpResponse("ok")


def main() -> None:
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("load_public_bodies", verbosity=0)

    from config import urls

    urls.urlpatterns.append(path("__bench_bare__", bare))
    clear_url_caches()

    from hub.directory.models import Organisation

    total = Organisation.objects.count()
    slug = Organisation.objects.filter(abbreviation="HMRC").values_list("slug", flat=True).first()
    cases = [
        ("bare Django view (baseline)", "/__bench_bare__"),
        ("/organisations/ page 1", "/organisations/"),
        ("/organisations/ page 20", "/organisations/?page=20"),
        ("/organisations/?q=HMRC", "/organisations/?q=HMRC"),
        ("/organisations/?kind=local_authority", "/organisations/?kind=local_authority"),
        ("organisation page (HMRC)", f"/organisations/{slug}/"),
        ("API list limit=20", "/api/v1/organisations?limit=20"),
        ("API list limit=100", "/api/v1/organisations?limit=100"),
        ("API list q=council", "/api/v1/organisations?q=council&limit=100"),
        ("API detail (HMRC)", f"/api/v1/organisations/{slug}"),
    ]
    client = Client()
    print(f"\nDirectory: {total} organisations on {connection.vendor}; {REPEATS} requests each, "
          "in-process (Django test client)\n")
    header = f"{'request':42} {'status':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7}"
    print(header)
    print("-" * len(header))
    for label, url in cases:
        client.get(url)  # warm caches
        captured = []

        def count(execute, sql, params, many, context, captured=captured):
            captured.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url)
        timings = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            reset_queries()
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(f"{label:42} {response.status_code:>6} {len(captured):>7} {p50:>8.1f} {p95:>8.1f} "
              f"{1000 / statistics.mean(timings):>7.0f}")
    print()


if __name__ == "__main__":
    main()
