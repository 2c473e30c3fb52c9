"""``manage.py load_public_bodies [--data-dir DIR]``: load or refresh the UK public bodies in
the directory from the registers in ``data/orgs/``. See
``hub.directory.services.public_bodies_load`` for what it does.

Exit status: 0 when every row loaded, 1 when some rows were rejected (the others are loaded),
2 when a file could not be read.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hub.directory.services import public_bodies_load


class Command(BaseCommand):
    help = "Load or refresh UK public bodies from the reference files in data/orgs/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=Path(settings.HUB_DATA_DIR) / "orgs",
            help="Folder holding the four CSV files (default: data/orgs/).",
        )

    def handle(self, *args, data_dir: Path, **options):
        report = public_bodies_load(data_dir=data_dir)
        for name, count in report.files.items():
            self.stdout.write(f"{name}: {count} bodies read")
        for rejection in report.rejections:
            self.stderr.write(f"{rejection}")
        for problem in report.unreadable:
            self.stderr.write(f"Cannot read: {problem}")
        self.stdout.write(
            f"{report.total} bodies: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.closed} closed; "
            f"{report.rejected} rows rejected."
        )
        if report.links_added or report.links_removed or options["verbosity"] > 1:
            self.stdout.write(
                f"Parent and child links: {report.links_added} added, "
                f"{report.links_removed} removed, {report.links_to_unknown_bodies} left out "
                "because one side is not in the directory."
            )
        if report.unreadable:
            raise CommandError(f"{len(report.unreadable)} file(s) could not be read.", returncode=2)
        if report.rejections:
            raise CommandError(
                f"{report.rejected} row(s) were rejected and skipped; the others were loaded.",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS("Done."))
