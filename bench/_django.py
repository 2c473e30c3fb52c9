"""What every benchmark does first: make the project importable, choose its own database
(a temp SQLite file by default, ``BENCH_DATABASE_URL`` for another) and start Django.
The scripts import it before anything of Django's: ``from _django import ROOT, DB_FILE``."""

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
    import django

    django.setup()
    return db_file
