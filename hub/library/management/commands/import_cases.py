from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hub.library.services.importing import ImportFileError, import_cases


class Command(BaseCommand):
    help = (
        "Import cases from a JSON Lines or CSV file (DESIGN §5.3): create or update one "
        "published entry per line, matched by its id. Bad lines are reported as "
        "'line N: reason' and skipped. Exit status: 0 every line taken, 1 some lines "
        "rejected, 2 the file cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .jsonl or .csv file (UTF-8)")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check every line and report what would change; write nothing")

    def handle(self, *args, file: str, dry_run: bool = False, **options):
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: cannot be read ({error.strerror})",
                               returncode=2) from None
        try:
            report = import_cases(content=content, filename=path.name, dry_run=dry_run)
        except ImportFileError as error:
            raise CommandError(f"{file}: {error}", returncode=2) from None

        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        for number, reason in report.rejections:
            self.stderr.write(f"line {number}: {reason}")
        for line in report.summary_lines():
            self.stdout.write(line)
        if report.rejected:
            raise CommandError(
                f"{report.rejected} {'line was' if report.rejected == 1 else 'lines were'} "
                "rejected (see above); the other lines were "
                f"{'checked' if dry_run else 'imported'}.",
                returncode=1,
            )
