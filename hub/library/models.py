from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from hub.core.models import TimeStampedModel
from hub.core.roles import is_curator
from hub.library.taxonomy import (
    ChallengeArea,
    EntryKind,
    EvaluationType,
    EvidenceLevel,
    OriginSector,
)


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in-review", "In review"
    CHANGES_REQUESTED = "changes-requested", "Changes requested"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class Tag(models.Model):
    """A free topic label on entries ("nudges", "data sharing"), followed and fed by slug."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=90, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EntryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        """Everything this person may open: published entries, their own, and for curators
        everything. Lists for the public use ``published()`` instead."""
        if user is not None and user.is_authenticated and is_curator(user):
            return self
        if user is not None and user.is_authenticated:
            return self.filter(Q(status=Status.PUBLISHED) | Q(author=user))
        return self.published()

    def for_lists(self):
        """What list pages, feeds and exports need, in a fixed number of queries."""
        return self.select_related("author").prefetch_related("organisations", "tags")


class Entry(TimeStampedModel):
    """An entry in the learning library: a case study of something a public body tried, a
    method or tool others can use, or an international intervention (a fund, lab, prize or
    network another government used to support innovation)."""

    kind = models.CharField(max_length=20, choices=EntryKind.choices,
                            default=EntryKind.CASE_STUDY, db_index=True)
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=320, unique=True)
    summary = models.TextField(help_text="Two or three sentences: what was done, by whom.")
    problem = models.TextField(blank=True)
    approach = models.TextField(blank=True)
    results = models.TextField(blank=True)
    lessons = models.TextField("lessons learned", blank=True)
    costs = models.TextField(blank=True)

    organisations = models.ManyToManyField(
        "directory.Organisation", blank=True, related_name="library_entries"
    )
    organisation_names = models.JSONField(
        default=list, blank=True,
        help_text="The organisations as named by the source, matched to the directory or not.",
    )
    countries = CountryField(multiple=True, blank=True)
    country_text = models.CharField(
        "country as given", max_length=200, blank=True,
        help_text="Kept as written when it is a region or not an ISO country name.",
    )
    locality = models.CharField("region or locality", max_length=200, blank=True)
    start_year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)
    challenge_area = models.CharField(max_length=40, choices=ChallengeArea.choices,
                                      default=ChallengeArea.OTHER, db_index=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="entries")
    origin_sector = models.CharField("where the idea came from", max_length=20,
                                     choices=OriginSector.choices, blank=True)
    evidence_level = models.PositiveSmallIntegerField(
        choices=EvidenceLevel.choices, null=True, blank=True, db_index=True
    )
    evidence_reason = models.TextField("why this evidence level", blank=True)
    evaluation_type = models.CharField(max_length=30, choices=EvaluationType.choices,
                                       blank=True)
    links = models.JSONField(default=list, blank=True,
                             help_text='Further reading: [{"title": …, "url": …}]')
    sources = models.JSONField(default=list, blank=True, help_text="Source URLs.")
    licence = models.CharField(max_length=200, blank=True)
    contacts = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                      related_name="library_contact_for")
    contact_text = models.TextField("other contacts", blank=True)

    source_id = models.CharField(
        max_length=100, unique=True, null=True, blank=True,
        help_text="The identifier given at import; re-importing updates instead of duplicating.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="library_entries")
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])
    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name_plural = "entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(evidence_level__isnull=True)
                | Q(evidence_level__gte=1, evidence_level__lte=5),
                name="library_entry_evidence_level_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(start_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="library_entry_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:entry", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def unmatched_organisation_names(self) -> list[str]:
        """Names from the source that are not linked to a directory organisation."""
        linked = set()
        for organisation in self.organisations.all():
            linked.update({organisation.name.lower(), organisation.abbreviation.lower()})
        return [name for name in self.organisation_names if name.lower() not in linked]


class ReviewComment(TimeStampedModel):
    """A comment between a curator and the author while an entry is reviewed."""

    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        CHANGES_REQUESTED = "changes-requested", "Changes requested"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    body = models.TextField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment on {self.entry}"


class Collection(TimeStampedModel):
    """A curated, ordered set of entries with an introduction ("Ten ways councils cut energy
    bills")."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    introduction = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    entries = models.ManyToManyField(Entry, through="CollectionItem", related_name="collections")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:collection", kwargs={"slug": self.slug})


class CollectionItem(models.Model):
    """One entry's place in a collection, with an optional note on why it is there."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True, help_text="Why this entry is in the collection.")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "entry"],
                                    name="library_collection_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.entry_id} in {self.collection_id}"


def attachment_path(instance, filename: str) -> str:
    return f"library/attachments/{instance.entry_id}/{filename}"


class Attachment(TimeStampedModel):
    """A file attached to an entry: a report, slides, a spreadsheet or an image. Its type is
    checked by content when uploaded; it is served only to people who may see the entry."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField(max_length=200, help_text="Sanitised name shown and downloaded.")
    title = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title or self.filename


class Follow(TimeStampedModel):
    """A member follows a challenge area or a tag, for the weekly digest of new entries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="library_follows")
    challenge_area = models.CharField(max_length=40, choices=ChallengeArea.choices, blank=True)
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.CASCADE,
                            related_name="followers")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(challenge_area="") & Q(tag__isnull=False))
                | (~Q(challenge_area="") & Q(tag__isnull=True)),
                name="library_follow_area_or_tag",
            ),
            models.UniqueConstraint(fields=["user", "challenge_area"],
                                    condition=~Q(challenge_area=""),
                                    name="library_follow_area_once"),
            models.UniqueConstraint(fields=["user", "tag"], condition=Q(tag__isnull=False),
                                    name="library_follow_tag_once"),
        ]

    def __str__(self) -> str:
        return self.get_challenge_area_display() if self.challenge_area else str(self.tag)


class DigestSubscription(TimeStampedModel):
    """Whether a member gets the weekly email of new entries in what they follow, and the
    token of the one-click unsubscribe link."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="library_digest")
    weekly = models.BooleanField(default=True)
    unsubscribe_token = models.CharField(max_length=64, unique=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Digest for {self.user}"


class ImportRun(TimeStampedModel):
    """A file of cases uploaded by a curator and imported in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Could not be read"

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to="library/imports/", max_length=300)
    original_name = models.CharField(max_length=200)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.original_name}"
