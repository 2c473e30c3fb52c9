"""Export the search model for queries (ONNX Runtime runs a query in about half the time
torch takes: decision 5). Done once per model by `make setup`; does nothing when the file is
there and gives the model's own numbers."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hub.search import embedding


class Command(BaseCommand):
    help = "Export the search model for fast queries (once per installed model)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="Export again even when a good file is there")
        parser.add_argument("--stamp", type=Path, metavar="FILE",
                            help="When the query model is ready, write its path to FILE "
                                 "(for make to notice when the file is gone)")

    def handle(self, *args, force=False, stamp=None, **options):
        path = embedding.query_model_path()
        embedding.remove_abandoned_exports(path)
        if path.exists() and not force:
            if embedding.check_query_model(path):
                self.stdout.write(f"The query model is ready: {path}")
                self._stamp(stamp, path)
                return
            self.stdout.write(f"The query model at {path} is damaged or out of date: "
                              "exporting it again.")
        started = time.monotonic()
        self.stdout.write("Exporting the search model for queries (10–20 s)…")
        if not embedding.export_query_model(path):
            raise CommandError("The exported query model does not give the model's own numbers; "
                               "it was not kept, and queries will use the model's own pass.")
        self.stdout.write(f"Exported in {time.monotonic() - started:.0f} s: {path}")
        self._stamp(stamp, path)

    @staticmethod
    def _stamp(stamp: Path | None, path: Path) -> None:
        if stamp is not None:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.write_text(f"{path}\n")
