"""Rebuild the search index: every document of every kind (or of ``--kind``), embedding only
texts that changed unless ``--fresh``. Prints progress as it goes."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from hub.search import registry
from hub.search.models import Document
from hub.search.services import index_objects
from hub.search.vectors import bump


class Command(BaseCommand):
    help = "Rebuild the search index (lexical and semantic) from the hub's objects."

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", choices=sorted(registry.kinds()),
                            help="Only this kind (may be repeated); default every kind")
        parser.add_argument("--fresh", action="store_true",
                            help="Forget stored embeddings and compute every one again")

    def handle(self, *args, kind=None, fresh=False, **options):
        names = kind or sorted(registry.kinds())
        if not names:
            raise CommandError("No kinds of object are registered for search.")
        if fresh:
            Document.objects.filter(kind__in=names).update(embedding=None, text_hash="")
            bump()
        for name in names:
            started = time.monotonic()
            show = self._progress(name, started)
            counts = index_objects(name, None, progress=show)
            if self.stderr.isatty() if hasattr(self.stderr, "isatty") else False:
                self.stderr.write("")
            if connection.vendor == "postgresql":
                # Fresh statistics: the search reads common words' frequencies from them.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE search_document")
            self.stdout.write(
                f"{name}: {counts['indexed']} indexed, {counts['embedded']} embedded, "
                f"{counts['removed']} removed in {time.monotonic() - started:.1f} s"
            )

    def _progress(self, name, started):
        def show(done: int, total: int) -> None:
            width = 30
            filled = int(width * done / total) if total else width
            rate = done / max(time.monotonic() - started, 1e-6)
            line = (f"\r{name}: [{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
                    f"({rate:.0f}/s)")
            sys.stderr.write(line if sys.stderr.isatty() else line.lstrip("\r") + "\n")
            sys.stderr.flush()
        return show
