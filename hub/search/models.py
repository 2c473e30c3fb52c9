"""The search index: one document per searchable object, whatever app it belongs to.

The lexical index is kept by the database itself (SQLite: an FTS5 table fed by triggers;
PostgreSQL: a generated, weighted ``tsvector`` column with a GIN index — both made in
migration 0002, outside the ORM). The embedding is stored here, as float32 bytes; the
word-piece vectors of the same text are kept in a table of their own (``PieceVectors``).

On PostgreSQL the row a search reads must stay small and whole: ``search_vector``,
``embedding`` and ``pieces`` are stored MAIN (migration 0006), so they stay in the row instead
of being moved out to TOAST, where reading them for each match of a common word cost twice
the time (measured at 100k: 6,100 buffers instead of 2,000 for one word's 2,170 matches).
"""

from django.db import models


class Document(models.Model):
    """What the index knows of one object: the text it is searched by, the facets it is
    filtered by, whether the public may see it, and its embedding."""

    kind = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    source_id = models.CharField(max_length=100, blank=True)
    # Lexical fields, weighted from the most to the least telling:
    title = models.CharField(max_length=300)          # weight A / 2.0
    body = models.TextField(blank=True)               # B / 1.0: the summary or main text
    detail = models.TextField(blank=True)             # C / 0.5: outcome, results
    meta = models.TextField(blank=True)               # D / 0.5: organisation, country, area
    url = models.CharField(max_length=500)
    published = models.BooleanField(default=False, db_index=True)
    # What an unpublished object is, in words ("Draft", "In review"); empty when published.
    state = models.CharField(max_length=40, blank=True, default="")
    # Of a kind found by its name (an organisation: registry.Kind.found_by_name): left out of
    # the published-only lexical index and its statistics, which the other kinds rank by.
    found_by_name = models.BooleanField(default=False)
    # Its other names, one per line ("HMRC"): a query that is one of them names it exactly.
    names = models.TextField(blank=True, default="")
    # {"challenge_area": ["health"], "country": ["GB"], "evidence_level": ["2"], ...}
    facets = models.JSONField(default=dict, blank=True)
    # What is shown under the title in results: organisation, country, year…
    caption = models.CharField(max_length=300, blank=True)
    # The text embedded, hashed: an unchanged text is never embedded twice.
    text_hash = models.CharField(max_length=64, blank=True)
    embedding = models.BinaryField(null=True, blank=True)
    # The distinct word pieces of the embedded text (embedding.pack_pieces), read with the
    # vectors; their own vectors are in PieceVectors.
    pieces = models.BinaryField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"


class PieceVectors(models.Model):
    """Each word piece of a document's embedded text with its own vector
    (``embedding.pack_tokens``: about 32 KB a case), read only for a query's best candidates.
    Apart from ``Document`` so that the rows every search reads stay small."""

    document = models.OneToOneField(Document, on_delete=models.CASCADE, primary_key=True,
                                    related_name="piece_vectors")
    tokens = models.BinaryField()

    class Meta:
        verbose_name_plural = "piece vectors"

    def __str__(self) -> str:
        return f"piece vectors of document {self.document_id}"


class IndexState(models.Model):
    """One row whose ``token`` changes with every write to the index, so each process can
    tell cheaply whether the vectors it holds in memory are still current."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token


class UnansweredQuery(models.Model):
    """A question the hub could not answer well: the words only (no person, no address, with
    numbers and email addresses removed), how often it was asked, and how well we did."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        DISMISSED = "dismissed", "Dismissed"

    text = models.CharField(max_length=200, unique=True)
    times = models.PositiveIntegerField(default=1)
    results = models.PositiveIntegerField(default=0)
    best_score = models.FloatField(null=True, blank=True)
    first_asked = models.DateField()
    last_asked = models.DateField(db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN,
                              db_index=True)

    class Meta:
        ordering = ["-times", "-last_asked"]
        verbose_name_plural = "unanswered queries"

    def __str__(self) -> str:
        return self.text
