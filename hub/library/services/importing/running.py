"""Running an import: the report, writing entries, and curators' uploads run in the background."""

import contextlib
import copy
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from hub.core.audit import audit
from hub.directory.matching import OrganisationMatcher
from hub.library.models import Entry, ImportRun, Status
from hub.library.services import records
from hub.library.services.entries import EDITABLE_FIELDS, EntryData, entry_create, entry_update
from hub.library.services.importing.parsing import ParsedCase, parse_record
from hub.library.services.importing.reading import (
    BATCH_SIZE,
    CREATED,
    FIELD_NAMES,
    KNOWN_FIELDS,
    MAX_UPLOAD_BYTES,
    UNCHANGED,
    UPDATED,
    UPLOAD_EXTENSIONS,
    ImportFileError,
    RecordError,
    read_source,
)
from hub.search.services import batch as search_batch

# --- The report ----------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    filename: str = ""
    format: str = ""
    dry_run: bool = False
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }

    def as_dict(self) -> dict:
        """The report kept on an ``ImportRun`` (JSON)."""
        return {
            **self.counts(),
            "filename": self.filename,
            "format": self.format,
            "dry_run": self.dry_run,
            "total": self.total,
            "rejections": [{"line": line, "reason": reason} for line, reason in self.rejections],
            "warnings": list(self.warnings),
        }

    def summary_lines(self) -> list[str]:
        kind = {"jsonl": "JSON Lines", "csv": "CSV"}.get(self.format, self.format)
        lines = [
            f"{self.filename}: {self.total} {'case' if self.total == 1 else 'cases'} read ({kind})"
        ]
        if self.dry_run:
            lines.append("Dry run: nothing was written. An import would give:")
        lines += [f"{name}: {count}" for name, count in self.counts().items()]
        return lines


# --- Writing -------------------------------------------------------------------------------


def _tag_slugs(names: Iterable[str]) -> set[str]:
    return {slugify(" ".join(name.split())[:80])[:90] or "tag" for name in names if name.strip()}


def _link_pairs(links) -> list[tuple[str, str]]:
    return [(link.get("title", ""), link.get("url", "")) for link in links or []]


def _is_unchanged(entry: Entry, case: ParsedCase, organisations: list | None) -> bool:
    """Whether importing the case would leave the entry (as its record shows it) as it is."""
    for name, value in case.values.items():
        if name == "countries":
            current = sorted(country.code for country in entry.countries)
        elif name == "country_text":
            current = records.entry_country_text(entry)
        elif name == "links":
            current, value = _link_pairs(entry.links), _link_pairs(value)
        else:
            current = getattr(entry, name)
        if current != value:
            return False
    if case.organisation_names is not None:
        if records.entry_organisation_names(entry) != case.organisation_names:
            return False
        if {o.pk for o in entry.organisations.all()} != {o.pk for o in organisations or []}:
            return False
    if case.tags is not None and {tag.slug for tag in entry.tags.all()} != _tag_slugs(case.tags):
        return False
    return True


def _validate(entry: Entry, values: dict) -> None:
    """The checks ``entry_create``/``entry_update`` make, without saving (for dry runs)."""
    for name in EDITABLE_FIELDS:
        if name in values:
            setattr(entry, name, values[name])
    entry.full_clean(exclude=["slug", "author", "source_id"], validate_constraints=False)


def _upsert(
    case: ParsedCase, entry: Entry | None, directory: OrganisationMatcher, *, dry_run: bool,
    by=None,
) -> str:
    organisations = (
        directory.match_all(case.organisation_names)
        if case.organisation_names is not None
        else None
    )
    values = dict(case.values)
    if case.organisation_names is not None:
        values["organisation_names"] = case.organisation_names
    data = EntryData(values=values, organisations=organisations, tags=case.tags)
    if entry is None:
        if dry_run:
            _validate(Entry(status=Status.PUBLISHED), values)
        else:
            data.organisations = data.organisations or None  # nothing to link: no query
            entry_create(by=None, data=data, status=Status.PUBLISHED,
                         source_id=case.source_id, imported_by=by)
        return CREATED
    if _is_unchanged(entry, case, organisations):
        return UNCHANGED
    if dry_run:
        _validate(copy.copy(entry), values)
    else:
        entry_update(entry=entry, by=None, data=data, reason="imported", imported_by=by)
    return UPDATED


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{FIELD_NAMES.get(name, name)}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_cases(*, dry_run: bool = False, **kwargs) -> ImportReport:
    """Import a file (see ``_import_cases``). Everything it created or changed is in the
    search index, lexical and semantic, when it returns."""
    if dry_run:
        return _import_cases(dry_run=True, **kwargs)
    with search_batch():
        return _import_cases(dry_run=False, **kwargs)


def _import_cases(
    *,
    content: bytes,
    filename: str = "",
    dry_run: bool = False,
    by=None,
    import_run: ImportRun | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import every line of a JSON Lines or CSV file (see the module's description).

    ``by`` is the curator who uploaded it (``None`` for the command line): named as the actor
    of each entry's creation and in its history; the run is written to the audit log once,
    with its counts, against ``import_run`` if there is one. A dry run
    checks every line as an import would and writes nothing. ``progress(processed, total)``
    is called after each batch of lines. Raises ``ImportFileError`` when the file cannot be
    read."""
    fmt, lines = read_source(content, filename=filename)
    report = ImportReport(filename=filename, format=fmt, dry_run=dry_run, total=len(lines))
    if progress:
        progress(0, report.total)
    first_line_of: dict[str, int] = {}
    warned: set[str] = set()
    directory = OrganisationMatcher()
    processed = 0
    for batch in _batches(lines, BATCH_SIZE):
        cases: list[tuple[int, ParsedCase]] = []
        for line in batch:
            if line.record is None:
                report.rejections.append((line.number, line.problem))
                continue
            for name in line.record:
                if name not in KNOWN_FIELDS and name not in warned:
                    warned.add(name)
                    report.warnings.append(f"field {name!r} is not an import field: ignored")
            try:
                case = parse_record(line.record)
            except RecordError as error:
                report.rejections.append((line.number, str(error)))
                continue
            if case.source_id in first_line_of:
                report.rejections.append(
                    (
                        line.number,
                        f"id {case.source_id!r} is also on line "
                        f"{first_line_of[case.source_id]}: each case may appear once",
                    )
                )
                continue
            first_line_of[case.source_id] = line.number
            cases.append((line.number, case))

        directory.prepare(name for _number, case in cases for name in case.organisation_names or [])
        existing = {
            entry.source_id: entry
            for entry in Entry.objects.filter(
                source_id__in=[case.source_id for _n, case in cases]
            ).prefetch_related("organisations", "tags")
        }
        # A dry run takes no write lock (SQLite would make other writers wait).
        with contextlib.nullcontext() if dry_run else transaction.atomic():
            for number, case in cases:
                try:
                    outcome = _upsert(
                        case, existing.get(case.source_id), directory, dry_run=dry_run, by=by
                    )
                except ValidationError as error:
                    report.rejections.append((number, _validation_message(error)))
                    continue
                setattr(report, outcome, getattr(report, outcome) + 1)
        processed += len(batch)
        if progress:
            progress(processed, report.total)

    report.rejections.sort()
    if not dry_run:
        audit(
            actor=by,
            action="library.import",
            target=import_run,
            detail={"file": filename, **report.counts()},
        )
    return report


# --- Uploads by curators, imported in the background ---------------------------------------


def check_upload(upload) -> None:
    """A CSV or JSON Lines file of at most 20 MB that looks like text; ``ValidationError``
    says what is wrong. The file is read fully, line by line, by the import itself."""
    name = upload.name or ""
    if Path(name).suffix.lower() not in UPLOAD_EXTENSIONS:
        raise ValidationError("The selected file must be a CSV or JSON Lines file (.csv or .jsonl)")
    if upload.size == 0:
        raise ValidationError("The selected file is empty")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError("The selected file must be smaller than 20 MB")
    upload.seek(0)
    start = upload.read(64 * 1024)
    upload.seek(0)
    if b"\x00" in start or start.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")):
        raise ValidationError(
            "The selected file must be a CSV or JSON Lines file: save a "
            "spreadsheet as CSV UTF-8 first"
        )
    try:
        start.decode("utf-8")
    except UnicodeDecodeError as error:
        # A character cut in two at the end of the sample is fine.
        if error.start < len(start) - 3:
            raise ValidationError(
                "The selected file must be saved as UTF-8 text (in a spreadsheet: CSV UTF-8)"
            ) from None


@transaction.atomic
def import_run_start(*, by, upload, dry_run: bool = False) -> ImportRun:
    """A curator uploads a file: keep it, and import it in the background once this
    transaction is committed. Returns the run, whose page shows the progress."""
    if not by.has_perm("library.import_entries"):
        raise PermissionDenied("Only curators can import cases.")
    check_upload(upload)
    run = ImportRun.objects.create(
        created_by=by, file=upload, dry_run=dry_run, original_name=Path(upload.name).name[:200]
    )
    from hub.library import tasks  # tasks import this module

    transaction.on_commit(lambda: tasks.import_run_process.enqueue(run.pk))
    return run


def import_run_execute(*, run: ImportRun) -> ImportRun:
    """Work an uploaded file (called by the background task): mark the run as running,
    import with progress saved as it goes, then keep the report."""
    if run.status not in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING):
        return run
    run.status, run.started_at = ImportRun.Status.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at", "updated_at"])

    def progress(processed: int, total: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(processed=processed, total=total)

    try:
        with run.file.open("rb") as upload:
            content = upload.read()
        report = import_cases(
            content=content,
            filename=run.original_name,
            dry_run=run.dry_run,
            by=run.created_by,
            import_run=run,
            progress=progress,
        )
    except ImportFileError as error:
        run.status, run.report = ImportRun.Status.FAILED, {"error": str(error)}
    except Exception:
        run.status = ImportRun.Status.FAILED
        run.report = {
            "error": "The import stopped because of an unexpected error. Lines "
            "already imported were kept; import the file again to finish."
        }
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "report", "finished_at", "updated_at"])
        raise
    else:
        run.status, run.report = ImportRun.Status.FINISHED, report.as_dict()
        run.total = run.processed = report.total
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "report", "total", "processed", "finished_at", "updated_at"])
    return run
