"""What every benchmark does first: make the project importable, choose its own database
(a temp SQLite file by default, ``BENCH_DATABASE_URL`` for another) and start Django.
The scripts import it before anything of Django's: ``from _django import ROOT, start``;
``fresh_database_with_real_cases`` gives each the same starting point."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start(name: str) -> Path:
    """Set up Django for the benchmark ``name``; returns its SQLite file's path."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    db_file = Path(tempfile.gettempdir()) / f"hub-bench-{name}.sqlite3"
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{db_file}")
    # A benchmark asks far more often than a person: it measures the search, not the limit
    # on how often one may ask (hub/core/ratelimit.py).
    os.environ["HUB_SEARCH_RATE"] = os.environ["HUB_SIMILAR_RATE"] = "0"
    import django

    django.setup()
    return db_file


def fresh_database_with_real_cases(db_file: Path) -> float:
    """An empty, migrated database (the SQLite file is made anew; on another database the
    synthetic "bench-" entries a previous run left are deleted; with BENCH_REUSE both are
    kept), then the 149 real cases of
    data/cases.jsonl imported and embedded; returns the import's seconds."""
    import io
    import time

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["testserver"]
    # BENCH_REUSE=1 keeps what an earlier run left (its synthetic entries too): a database that
    # has settled, not one still writing out the gigabytes it was just given.
    reuse = os.environ.get("BENCH_REUSE", "").lower() in ("1", "true", "yes")
    if connection.vendor == "sqlite" and "BENCH_DATABASE_URL" not in os.environ and not reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    if not reuse:
        call_command("generate_bench_data", clear=True, stdout=io.StringIO())
    started = time.monotonic()
    call_command("import_cases", str(ROOT / "data" / "cases.jsonl"), stdout=io.StringIO())
    # A database kept from an earlier run holds cases an import leaves as they are: embed any
    # whose vectors are missing or out of date (word-piece vectors, since 2026-11-30).
    call_command("search_reindex", stdout=io.StringIO(), stderr=io.StringIO())
    return time.monotonic() - started
