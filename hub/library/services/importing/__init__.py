"""Importing cases from JSON Lines or CSV files (the contract of DESIGN §5.3).

``import_cases`` reads a whole file and upserts one published entry per line, matched by the
source's ``id`` (``Entry.source_id``): a new id creates an entry, a known one updates it only
when something changed, so importing the same file twice changes nothing. A line that cannot
be taken is reported as ``line N: reason`` and skipped; every other line is still imported.
``ImportFileError`` means the file as a whole cannot be read.

The same function serves ``manage.py import_cases`` and curators' uploads (an ``ImportRun``
worked by the background task in ``tasks.py``).

What a line may hold (``records.RECORD_FIELDS``, the fields every export writes):

- ``id``, ``title``, ``summary`` and ``challenge_area`` are required.
- ``outcome`` → results, ``evidence_note`` → the reason for the evidence level, from which
  ``services/evidence.py`` derives the level and evaluation type unless the line gives
  ``evidence_level`` / ``evaluation_type`` itself.
- ``year`` / ``end_year``: a number, a numeric string, empty or null; not 0, negative or later
  than next year.
- ``sector`` and ``challenge_area``, ``kind``, ``evaluation_type``: a value or a label of the
  taxonomy; anything else rejects the line with the accepted values.
- ``organisation``, ``country`` and ``tags`` hold several names separated by ``;`` (a ``;``
  inside brackets belongs to the name). Organisation names are kept as given and linked to the
  directory where it knows them; the country text is kept as given and the ISO countries in it
  are recognised (names, codes or common names such as "South Korea" or "UK").
- ``source`` and ``links`` hold web addresses separated by `` ; `` (links as
  ``title <url>``); an address that is not http(s) rejects the line.
- ``url`` and ``published_at`` are written by exports and ignored here; any other field is
  ignored with one warning per field name.

A CSV file names its columns in its first line; its values may be separated by commas,
semicolons or tabs (whichever the first line uses), and quoted values may span lines.

On a known id, only the fields present on the line are changed: a file with the eleven
contract fields leaves a curator's tags or lessons alone. The entry keeps its state (an
archived case stays archived). In a CSV file a cell that starts with an apostrophe followed by
``=``, ``+``, ``-``, ``@`` loses the apostrophe, undoing what CSV exports do to keep formulas
inert.
"""

from hub.library.services.importing.parsing import parse_record
from hub.library.services.importing.reading import (
    MAX_UPLOAD_BYTES,
    UPLOAD_EXTENSIONS,
    ImportFileError,
    RecordError,
    read_source,
)
from hub.library.services.importing.running import (
    ImportReport,
    check_upload,
    import_cases,
    import_run_execute,
    import_run_start,
)

__all__ = [
    "MAX_UPLOAD_BYTES",
    "UPLOAD_EXTENSIONS",
    "ImportFileError",
    "ImportReport",
    "RecordError",
    "check_upload",
    "import_cases",
    "import_run_execute",
    "import_run_start",
    "parse_record",
    "read_source",
]
