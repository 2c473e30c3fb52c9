from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from hub.core.models import TimeStampedModel


class Kind(models.TextChoices):
    MINISTERIAL_DEPARTMENT = "ministerial_department", "Ministerial department"
    NON_MINISTERIAL_DEPARTMENT = "non_ministerial_department", "Non-ministerial department"
    EXECUTIVE_AGENCY = "executive_agency", "Executive agency"
    NDPB = "ndpb", "Non-departmental public body"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    NHS_TRUST = "nhs_trust", "NHS trust"
    ICB = "icb", "Integrated care board"
    OTHER_PUBLIC_BODY = "other_public_body", "Other public body"
    COMPANY = "company", "Company"
    CHARITY = "charity", "Charity"
    OTHER = "other", "Other"


PARTNER_KINDS = [Kind.COMPANY, Kind.CHARITY, Kind.OTHER]


class Nation(models.TextChoices):
    UK = "uk", "UK-wide"
    ENGLAND = "england", "England"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Source(models.TextChoices):
    GOVUK = "govuk", "GOV.UK organisations"
    LOCAL_AUTHORITIES = "mysociety_la", "mySociety local authorities"
    NHS_TRUSTS = "nhs_trusts", "NHS trusts (ODS)"
    NHS_ICBS = "nhs_icbs", "Integrated care boards (ODS)"
    HUB = "hub", "Added on the hub"


class OrganisationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Status.OPEN)

    def search(self, query: str):
        """Name, abbreviation or code contains the query (case-insensitive); an exact
        abbreviation match ranks first."""
        query = (query or "").strip()
        if not query:
            return self
        return self.filter(
            models.Q(name__icontains=query)
            | models.Q(abbreviation__iexact=query)
            | models.Q(abbreviation__icontains=query)
            | models.Q(other_names__icontains=query)
        ).order_by(
            models.Case(
                models.When(abbreviation__iexact=query, then=0),
                models.When(name__iexact=query, then=1),
                models.When(name__istartswith=query, then=2),
                default=3,
                output_field=models.IntegerField(),
            ),
            Lower("name"),
        )


class Organisation(TimeStampedModel):
    """A body in the hub's directory: a government department, agency, council, NHS body,
    or a partner company or charity. Public bodies come from official reference data and are
    updated by ``load_public_bodies``; partners are added by curators."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=255)
    abbreviation = models.CharField(max_length=50, blank=True, db_index=True)
    other_names = models.TextField(blank=True, help_text="Other names it is known by.")
    kind = models.CharField(max_length=40, choices=Kind.choices, db_index=True)
    nation = models.CharField(max_length=20, choices=Nation.choices, blank=True, db_index=True)
    region = models.CharField(max_length=100, blank=True)
    local_authority_type = models.CharField(
        max_length=100, blank=True, help_text="For councils: county, district, unitary…"
    )
    govuk_format = models.CharField(
        "type on GOV.UK",
        max_length=100,
        blank=True,
        help_text="The body's type as GOV.UK records it (court, public corporation…).",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    closed_on = models.DateField(null=True, blank=True)
    website = models.URLField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    address = models.CharField(max_length=300, blank=True)

    source = models.CharField(max_length=20, choices=Source.choices, default=Source.HUB)
    # Stable codes from the official registers, used to update instead of duplicate.
    govuk_slug = models.CharField(max_length=120, null=True, blank=True, unique=True)
    la_code = models.CharField(
        "local authority code", max_length=10, null=True, blank=True, unique=True
    )
    gss_code = models.CharField("GSS code", max_length=9, null=True, blank=True, db_index=True)
    ods_code = models.CharField("NHS ODS code", max_length=10, null=True, blank=True, unique=True)

    parents = models.ManyToManyField("self", symmetrical=False, related_name="children", blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = [Lower("name")]
        indexes = [models.Index(Lower("name"), name="directory_org_name_lower")]
        constraints = [
            # Partners are typed in by people: two with the same name would be a mistake.
            # Public bodies come from registers that may repeat a name (a county council and
            # its successor unitary), so they are told apart by their codes instead.
            models.UniqueConstraint(
                Lower("name"),
                condition=models.Q(source="hub"),
                name="directory_partner_name_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:detail", kwargs={"slug": self.slug})

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def is_partner(self) -> bool:
        """Added on the hub (a company, charity or other partner), not loaded from a register."""
        return self.source == Source.HUB

    @property
    def govuk_url(self) -> str:
        if not self.govuk_slug:
            return ""
        return f"https://www.gov.uk/government/organisations/{self.govuk_slug}"
