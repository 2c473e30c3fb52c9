import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hub.library.models import Entry
from hub.library.services.exporting import export_chunks


class Command(BaseCommand):
    help = (
        "Write every published library entry as open data (JSON Lines by default, or CSV), "
        "to standard output or a file. `import_cases` reads the dump back without loss."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output)")
        parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl",
                            help="jsonl (default) or csv")

    def handle(self, *args, output: str | None = None, format: str = "jsonl", **options):
        # In order of id, so that two dumps can be compared line by line.
        entries = Entry.objects.published().order_by("source_id", "pk")
        chunks = export_chunks(entries=entries, fmt=format, base_url=settings.HUB_BASE_URL)
        count = entries.count()
        if output is None:
            try:
                for chunk in chunks:
                    self.stdout.write(chunk, ending="")
                self.stdout.flush()
            except BrokenPipeError:  # `export_library | head`: the reader has had enough
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
        path = Path(output)
        try:
            with path.open("w", encoding="utf-8", newline="") as stream:
                for chunk in chunks:
                    stream.write(chunk)
        except OSError as error:
            raise CommandError(f"{output}: cannot be written ({error.strerror})") from None
        self.stderr.write(f"Wrote {count} published {'entry' if count == 1 else 'entries'} "
                          f"to {output}")
