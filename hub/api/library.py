"""The learning library's cases (every kind of entry): the published list with the list
page's filters, one entry, and the workflow a practitioner or curator follows in the
browser — create, edit, submit, review, request changes, publish, archive, restore, comment.

Reads use the library's selectors and writes call the library's services, the same ones as
the pages, so the API and the browser never disagree on a rule.
"""

import re
from copy import copy
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.urls import reverse
from django_countries import countries as all_countries
from ninja import Field, Path, Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate
from pydantic import AfterValidator, ConfigDict, StringConstraints, create_model
from pydantic.fields import FieldInfo

from hub.api.auth import members
from hub.api.errors import DETAIL_ERRORS, READ_ERRORS, WRITE_ERRORS
from hub.api.pagination import LimitOffset
from hub.directory.models import Organisation
from hub.library import selectors
from hub.library.countries import country_code
from hub.library.models import Entry, ReviewComment, Status
from hub.library.services import entries as services
from hub.library.services.attachments import type_label
from hub.library.services.records import entry_country_text
from hub.library.taxonomy import (
    ChallengeArea,
    EntryKind,
    EvaluationType,
    EvidenceLevel,
    OriginSector,
)

router = Router()


# --- Validated input types -----------------------------------------------------------------


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(value: str) -> str:
    # Control characters are never meant (and PostgreSQL refuses NUL): drop them.
    return CONTROL_CHARACTERS.sub("", value).strip()


def _country_code(value: str) -> str:
    code = country_code(value)
    if not code:
        raise ValueError(f"“{value}” is not a country: give an ISO 3166 code such as GB or "
                         f"a country name")
    return code


def _web_address(value: str) -> str:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except DjangoValidationError:
        raise ValueError("Enter a web address starting with http:// or https://") from None
    return value


def text(max_length: int, *, required: bool = False):
    """A string field, trimmed. ``required``: it must have something other than spaces (in
    the OpenAPI description too, so clients can check before sending)."""
    return Annotated[
        str,
        StringConstraints(max_length=max_length,
                          pattern=r"[^\s\x00-\x1f]" if required else None),
        AfterValidator(_clean),
    ]


SLUG = r"^[-a-zA-Z0-9_]*$"
NO_CONTROL_CHARACTERS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"
SlugText = Annotated[str, StringConstraints(max_length=320, pattern=SLUG)]
CountryText = Annotated[str, StringConstraints(min_length=2, max_length=100),
                        AfterValidator(_clean), AfterValidator(_country_code)]
WebAddress = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_clean),
                       AfterValidator(_web_address)]
Year = Annotated[int, Field(ge=1800, le=2100)]
LongText = text(20000)
# The list filter takes codes, as the list page does; bodies also take country names.
CountryCode = StrEnum("CountryCode", {code: code for code, _name in all_countries})
SORTS = Literal["newest", "oldest", "title", "evidence", "year"]


# --- Output --------------------------------------------------------------------------------


class OrganisationRefOut(Schema):
    name: str
    slug: str | None = Field(description="The organisation in the directory, when linked")
    url: str | None


class TagOut(Schema):
    name: str
    slug: str


class LinkOut(Schema):
    title: str = ""
    url: str


class AttachmentOut(Schema):
    title: str
    filename: str
    content_type: str
    kind: str = Field(description="What people see: PDF, Word document, …")
    size: int = Field(description="In bytes")
    url: str

    @staticmethod
    def resolve_kind(attachment) -> str:
        return type_label(attachment.content_type)

    @staticmethod
    def resolve_url(attachment) -> str:
        return reverse("library:attachment_download",
                       kwargs={"pk": attachment.pk, "filename": attachment.filename})


def _organisations(entry: Entry) -> list[dict]:
    """The organisations as named by the source, each linked to the directory when matched,
    then any linked organisation the names do not mention."""
    linked = list(entry.organisations.all())
    by_name = {}
    for organisation in linked:
        by_name.setdefault(organisation.name.lower(), organisation)
        if organisation.abbreviation:
            by_name.setdefault(organisation.abbreviation.lower(), organisation)
    result, used = [], set()
    for name in entry.organisation_names:
        organisation = by_name.get(name.lower())
        if organisation is not None:
            used.add(organisation.pk)
        result.append({"name": name, "slug": organisation.slug if organisation else None,
                       "url": organisation.get_absolute_url() if organisation else None})
    for organisation in linked:
        if organisation.pk not in used:
            result.append({"name": organisation.name, "slug": organisation.slug,
                           "url": organisation.get_absolute_url()})
    return result


class CaseOut(Schema):
    id: int
    source_id: str | None = Field(description="The identifier given at import")
    slug: str
    title: str
    kind: EntryKind
    summary: str
    challenge_area: ChallengeArea
    country: str = Field(description="The country or region, as written")
    countries: list[str] = Field(description="ISO 3166 codes")
    organisations: list[OrganisationRefOut]
    year: int | None = Field(description="The year it started")
    evidence_level: int | None = Field(description="Nesta Standards of Evidence, 1 to 5")
    status: Status
    url: str = Field(description="The entry's page on the hub")
    api_url: str

    @staticmethod
    def resolve_country(entry: Entry) -> str:
        return entry_country_text(entry)

    @staticmethod
    def resolve_countries(entry: Entry) -> list[str]:
        return [country.code for country in entry.countries]

    @staticmethod
    def resolve_organisations(entry: Entry) -> list[dict]:
        return _organisations(entry)

    @staticmethod
    def resolve_year(entry: Entry) -> int | None:
        return entry.start_year

    @staticmethod
    def resolve_url(entry: Entry) -> str:
        return entry.get_absolute_url()

    @staticmethod
    def resolve_api_url(entry: Entry) -> str:
        return reverse("api-1.0.0:case_detail", kwargs={"id_or_slug": entry.pk})


class CaseDetailOut(CaseOut):
    kind_label: str
    challenge_area_label: str
    status_label: str
    problem: str
    approach: str
    results: str
    lessons: str
    costs: str
    country_text: str
    locality: str
    start_year: int | None
    end_year: int | None
    tags: list[TagOut]
    origin_sector: str = Field(description="public, private, third or partnership; or empty")
    evidence_level_label: str
    evidence_reason: str
    evaluation_type: str
    links: list[LinkOut]
    sources: list[str]
    licence: str
    contacts: list[str] = Field(description="Names of the hub members to contact")
    contact_text: str
    author: str | None
    attachments: list[AttachmentOut]
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    published_at: datetime | None

    @staticmethod
    def resolve_kind_label(entry: Entry) -> str:
        return entry.get_kind_display()

    @staticmethod
    def resolve_challenge_area_label(entry: Entry) -> str:
        return entry.get_challenge_area_display()

    @staticmethod
    def resolve_status_label(entry: Entry) -> str:
        return entry.get_status_display()

    @staticmethod
    def resolve_tags(entry: Entry) -> list:
        return list(entry.tags.all())

    @staticmethod
    def resolve_evidence_level_label(entry: Entry) -> str:
        return entry.get_evidence_level_display() if entry.evidence_level else ""

    @staticmethod
    def resolve_links(entry: Entry) -> list[dict]:
        return [{"title": str(link.get("title") or ""), "url": str(link.get("url") or "")}
                for link in entry.links if isinstance(link, dict)]

    @staticmethod
    def resolve_sources(entry: Entry) -> list[str]:
        return [str(source) for source in entry.sources]

    @staticmethod
    def resolve_contacts(entry: Entry) -> list[str]:
        return [person.public_name for person in entry.contacts.all()]

    @staticmethod
    def resolve_author(entry: Entry) -> str | None:
        return entry.author.public_name if entry.author_id else None

    @staticmethod
    def resolve_attachments(entry: Entry) -> list:
        return list(entry.attachments.all())


class CommentOut(Schema):
    id: int
    kind: ReviewComment.Kind
    author: str | None
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(comment: ReviewComment) -> str | None:
        return comment.author.public_name if comment.author_id else None


# --- Input ---------------------------------------------------------------------------------


class LinkIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: text(300) = ""
    url: WebAddress


class CaseIn(Schema):
    """A new entry. Only ``title`` and ``summary`` are required; lists replace what was
    there when sent in an edit."""

    model_config = ConfigDict(extra="forbid")

    kind: EntryKind = EntryKind.CASE_STUDY
    title: text(300, required=True)
    summary: text(5000, required=True) = Field(
        description="Two or three sentences: what was done, by whom")
    problem: LongText = ""
    approach: LongText = ""
    results: LongText = ""
    lessons: LongText = ""
    costs: LongText = ""
    organisations: list[SlugText] = Field(
        [], max_length=50, description="Slugs of organisations in the directory")
    organisation_names: list[text(300, required=True)] = Field(
        [], max_length=50, description="Organisations as named by the source")
    countries: list[CountryText] = Field(
        [], max_length=50, description="ISO 3166 codes or country names")
    country_text: text(200) = Field("", description="A region, or the country as written")
    locality: text(200) = ""
    start_year: Year | None = None
    end_year: Year | None = None
    challenge_area: ChallengeArea = ChallengeArea.OTHER
    tags: list[text(80, required=True)] = Field([], max_length=30)
    origin_sector: OriginSector | Literal[""] = ""
    evidence_level: EvidenceLevel | None = None
    evidence_reason: LongText = ""
    evaluation_type: EvaluationType | Literal[""] = ""
    links: list[LinkIn] = Field([], max_length=50)
    sources: list[WebAddress] = Field([], max_length=50)
    licence: text(200) = ""
    contact_text: LongText = ""


class MessageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    message: text(5000, required=True) = Field(description="What the author needs to change")


class CommentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: text(5000, required=True)


def _all_optional(schema: type[Schema], name: str) -> type[Schema]:
    """The same fields, none of them required: an edit sends only what changes. A field that
    may not be null in ``schema`` may not be null here either."""
    fields = {
        field: (info.annotation, FieldInfo.merge_field_infos(info, default=None))
        for field, info in schema.model_fields.items()
    }
    return create_model(name, __base__=schema, __doc__="Only the fields to change.", **fields)


CasePatch = _all_optional(CaseIn, "CasePatch")


def _entry_data(values: dict) -> services.EntryData:
    """What the services take, from a validated ``CaseIn`` or ``CasePatch``."""
    cleaned = dict(values)
    organisations = None
    if "organisations" in cleaned:
        slugs = list(dict.fromkeys(cleaned.pop("organisations")))
        organisations = list(Organisation.objects.filter(slug__in=slugs))
        unknown = sorted(set(slugs) - {organisation.slug for organisation in organisations})
        if unknown:
            raise NinjaValidationError([{"loc": ("body", "organisations"),
                                         "msg": f"Not in the directory: {', '.join(unknown)}"}])
    tags = cleaned.pop("tags", None)
    if "links" in cleaned:
        cleaned["links"] = [
            {"title": link["title"], "url": link["url"]} if link["title"] else
            {"url": link["url"]} for link in cleaned["links"]
        ]
    values = {name: value for name, value in cleaned.items()
              if name in services.EDITABLE_FIELDS}
    return services.EntryData(values=values, organisations=organisations, tags=tags)


# --- Helpers -------------------------------------------------------------------------------

IdOrSlug = Annotated[str, Path(max_length=320, pattern=r"^[-a-zA-Z0-9_]+$",
                               description="The entry's numeric id or its slug")]


def _entry(request, id_or_slug: str) -> Entry:
    """The entry if the caller may see it; 404 otherwise (``get_entry_for_user``)."""
    slug = id_or_slug
    if re.fullmatch(r"[0-9]{1,18}", id_or_slug):
        by_id = Entry.objects.filter(pk=int(id_or_slug)).values_list("slug", flat=True).first()
        slug = by_id or id_or_slug  # an all-digit slug ("2020") still works
    return selectors.get_entry_for_user(user=request.auth, slug=slug)


def _refused(user, entry: Entry, perm: str, exc: PermissionDenied) -> HttpError:
    """409 when the caller could do this to the entry in another state (it is the state that
    is wrong), 403 when they may not do it at all."""
    for state in Status:
        if state != entry.status:
            probe = copy(entry)
            probe.status = state
            if user.has_perm(perm, probe):
                return HttpError(409, f"{exc} It is {entry.get_status_display().lower()}.")
    return HttpError(403, str(exc) or "You do not have permission to do this.")


def _act(request, id_or_slug: str, perm: str, service, **kwargs):
    entry = _entry(request, id_or_slug)
    try:
        result = service(entry=entry, by=request.auth, **kwargs)
    except PermissionDenied as exc:
        raise _refused(request.auth, entry, perm, exc) from None
    return entry, result


# --- Reading -------------------------------------------------------------------------------


@router.get("", response={200: list[CaseOut], **READ_ERRORS}, url_name="case_list",
            summary="Search and filter published cases")
@paginate(LimitOffset)
def list_cases(
    request,
    q: Annotated[str, Query(max_length=200, pattern=NO_CONTROL_CHARACTERS,
                            description="Words in the title, summary or results")] = "",
    kind: Annotated[list[EntryKind], Query(description="Repeat for several")] = (),
    challenge_area: Annotated[list[ChallengeArea], Query(description="Repeat for several")] = (),
    country: Annotated[list[CountryCode], Query(
        description="ISO 3166 codes such as GB; repeat for several")] = (),
    evidence_level: Annotated[list[EvidenceLevel], Query(
        description="Nesta Standards of Evidence, 1 to 5; repeat for several")] = (),
    year_from: Annotated[Year | None, Query(description="Started in or after")] = None,
    year_to: Annotated[Year | None, Query(description="Started in or before")] = None,
    tag: Annotated[str, Query(max_length=90, pattern=SLUG, description="A tag's slug")] = "",
    organisation: Annotated[str, Query(max_length=255, pattern=SLUG,
                                       description="An organisation's slug")] = "",
    sort: Annotated[SORTS, Query(description="Order of the results")] = "newest",
):
    """Published entries only, whoever asks, with the same filters as the library's list
    page. Unknown values are a 422 naming the parameter."""
    if year_from and year_to and year_from > year_to:
        return Entry.objects.none()  # nothing can start after it started
    filters = selectors.EntryFilters(
        q=q, kinds=list(kind), areas=list(challenge_area),
        countries=[code.value for code in country],
        evidence_levels=[int(level) for level in evidence_level], year_from=year_from,
        year_to=year_to, tag=tag, organisation=organisation, sort=sort,
    )
    return selectors.entry_list(filters=filters)


@router.get("/mine", response={200: list[CaseOut], **READ_ERRORS}, auth=members,
            url_name="case_mine", summary="Your own entries, in every state")
@paginate(LimitOffset)
def my_cases(request):
    """Everything you wrote, drafts included, most recently changed first."""
    return selectors.entries_by_author(user=request.auth)


@router.get("/{id_or_slug}", response={200: CaseDetailOut, **DETAIL_ERRORS},
            url_name="case_detail", summary="One entry with everything it holds")
def get_case(request, id_or_slug: IdOrSlug):
    """By numeric id or slug. Entries the caller may not see (drafts of other people, for
    example) are 404, as if they did not exist."""
    return _entry(request, id_or_slug)


# --- Writing -------------------------------------------------------------------------------


@router.post("", response={201: CaseDetailOut, **WRITE_ERRORS}, auth=members,
             url_name="case_create", summary="Start a draft (practitioners and curators)")
def create_case(request, payload: CaseIn):
    """Creates a draft that you then submit for review. 403 unless you are a practitioner or
    a curator; 422 names each field that is not valid."""
    data = _entry_data(payload.model_dump())
    try:
        entry = services.entry_create(by=request.auth, data=data)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    return Reply(201, selectors.get_entry_for_user(user=request.auth, slug=entry.slug))


@router.patch("/{id_or_slug}", response={200: CaseDetailOut, **WRITE_ERRORS}, auth=members,
              url_name="case_update", summary="Change some fields of an entry")
def update_case(request, id_or_slug: IdOrSlug, payload: CasePatch):
    """Send only the fields to change. Authors edit their drafts and entries sent back to
    them; curators edit anything not archived."""
    data = _entry_data(payload.model_dump(exclude_unset=True))
    entry, _ = _act(request, id_or_slug, "library.edit_entry", services.entry_update,
                    data=data, reason="edited through the API")
    return selectors.get_entry_for_user(user=request.auth, slug=entry.slug)


def _transition(path: str, perm: str, service, summary: str, description: str):
    @router.post(f"/{{id_or_slug}}/{path}", response={200: CaseDetailOut, **WRITE_ERRORS},
                 auth=members, url_name=f"case_{path}",
                 operation_id=f"hub_api_library_{path}_case",
                 summary=summary, description=description)
    def endpoint(request, id_or_slug: IdOrSlug):
        entry, _ = _act(request, id_or_slug, perm, service)
        return entry

    return endpoint


submit_case = _transition(
    "submit", "library.submit_entry", services.entry_submit, "Send an entry for review",
    "The author sends a draft, or an entry sent back for changes, to the curators.")
review_case = _transition(
    "review", "library.review_entry", services.entry_start_review, "Start reviewing",
    "A curator takes a submitted entry into review.")
publish_case = _transition(
    "publish", "library.publish_entry", services.entry_publish, "Publish an entry",
    "A curator publishes an entry: everyone can then read it.")
archive_case = _transition(
    "archive", "library.archive_entry", services.entry_archive, "Archive an entry",
    "A curator withdraws a published entry from the library.")
restore_case = _transition(
    "restore", "library.restore_entry", services.entry_restore, "Restore an archived entry",
    "A curator publishes an archived entry again.")


@router.post("/{id_or_slug}/request-changes", response={200: CaseDetailOut, **WRITE_ERRORS},
             auth=members, url_name="case_request_changes",
             summary="Send an entry back to its author")
def request_changes(request, id_or_slug: IdOrSlug, payload: MessageIn):
    """A curator says what the author needs to change; the author can then edit and
    resubmit."""
    entry, _ = _act(request, id_or_slug, "library.request_changes_entry",
                    services.entry_request_changes, message=payload.message)
    return entry


@router.post("/{id_or_slug}/comments", response={201: CommentOut, **WRITE_ERRORS},
             auth=members, url_name="case_comment", summary="Comment during review")
def comment_case(request, id_or_slug: IdOrSlug, payload: CommentIn):
    """The author and curators talk while an entry is submitted, in review or sent back."""
    _, comment = _act(request, id_or_slug, "library.comment_entry", services.entry_comment,
                      body=payload.body)
    return Reply(201, comment)
