"""Export the search model for queries (ONNX Runtime runs a query in about half the time
torch takes: decision 5). Done once per model by `make setup`; does nothing when the file is
there and gives the model's own numbers."""

import time

from django.core.management.base import BaseCommand, CommandError

from hub.search import embedding


class Command(BaseCommand):
    help = "Export the search model for fast queries (once per installed model)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="Export again even when a good file is there")

    def handle(self, *args, force=False, **options):
        path = embedding.query_model_path()
        if path.exists() and not force:
            if embedding.check_query_model(path):
                self.stdout.write(f"The query model is ready: {path}")
                return
            self.stdout.write(f"The query model at {path} is damaged or out of date: "
                              "exporting it again.")
        started = time.monotonic()
        self.stdout.write("Exporting the search model for queries (10–20 s)…")
        embedding.export_query_model(path)
        if not embedding.check_query_model(path):
            path.unlink(missing_ok=True)
            raise CommandError("The exported query model does not give the model's own numbers; "
                               "it was removed, and queries will use the model's own pass.")
        self.stdout.write(f"Exported in {time.monotonic() - started:.0f} s: {path}")
