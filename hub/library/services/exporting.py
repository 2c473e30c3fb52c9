"""Downloading library entries as open data: CSV, JSON or JSON Lines.

Every format carries the same record per entry (``records.entry_to_record``: the eleven
import fields of DESIGN §5.3 plus the extended ones), so any download can be imported again
with ``manage.py import_cases`` or a curator's upload.

For a list page that offers ``?format=csv|json|jsonl``::

    from hub.library.services.exporting import EXPORT_FORMATS, export_response

    fmt = request.GET.get("format")
    if fmt in EXPORT_FORMATS:
        return export_response(entries=entries, fmt=fmt, filename_stem="library-entries",
                               base_url=request.build_absolute_uri("/")[:-1])

``entries`` is any queryset of entries the person may see (the caller filters by
visibility); its order is kept. Rows are streamed in chunks of 500 with their organisations
and tags prefetched, so a download runs a fixed number of queries per chunk whatever its
size and never holds the whole list in memory.
"""

import json
import re
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from hub.core.csv_export import csv_rows
from hub.library.models import Entry
from hub.library.services.records import RECORD_FIELDS, entry_to_record

EXPORT_FORMATS = ("csv", "json", "jsonl")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
}
CHUNK_SIZE = 500


def entry_records(entries: QuerySet[Entry], *, base_url: str = "") -> Iterator[dict]:
    """The open-data record of each entry, in the queryset's order, fetched in chunks."""
    for entry in entries.for_lists().iterator(chunk_size=CHUNK_SIZE):
        yield entry_to_record(entry, base_url=base_url)


def _json(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False)


def export_chunks(*, entries: QuerySet[Entry], fmt: str, base_url: str = "") -> Iterable[str]:
    """The text of a download, piece by piece (for a streamed response or a file).

    - ``csv``: a header row of ``RECORD_FIELDS`` then one row per entry, UTF-8 with a byte
      order mark (for Excel), cells that start like a formula prefixed with an apostrophe.
    - ``json``: ``{"count": N, "results": [record, …]}``.
    - ``jsonl``: one record a line (JSON Lines), the format ``import_cases`` reads best.
    """
    records = entry_records(entries, base_url=base_url)
    if fmt == "csv":
        return csv_rows(RECORD_FIELDS, ([record[name] for name in RECORD_FIELDS]
                                        for record in records))
    if fmt == "jsonl":
        return (_json(record) + "\n" for record in records)
    if fmt == "json":
        return _json_document(entries.count(), records)
    raise ValueError(f"Unknown export format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")


def _json_document(count: int, records: Iterator[dict]) -> Iterator[str]:
    yield f'{{"count": {count}, "results": ['
    for index, record in enumerate(records):
        yield ("" if index == 0 else ", ") + _json(record)
    yield "]}\n"


def export_response(*, entries: QuerySet[Entry], fmt: str, filename_stem: str,
                    base_url: str = "") -> StreamingHttpResponse:
    """A download of ``entries`` as ``fmt`` (``"csv"``, ``"json"`` or ``"jsonl"``), named
    ``<filename_stem>.<fmt>``. ``base_url`` (such as ``"https://hub.example"``) makes each
    record's ``url`` absolute. Raises ``ValueError`` for another format: check
    ``fmt in EXPORT_FORMATS`` first. Who may download what is the caller's business: pass
    only entries the person may see."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", filename_stem).strip("-.") or "library"
    response = StreamingHttpResponse(export_chunks(entries=entries, fmt=fmt, base_url=base_url),
                                     content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
