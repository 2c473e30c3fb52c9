"""The directory of organisations, read-only: the same selectors as the pages at
/organisations/, so the API and the browser always agree."""

from datetime import date
from typing import Annotated

from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from hub.api.errors import DETAIL_ERRORS, READ_ERRORS
from hub.api.pagination import LimitOffset
from hub.directory import selectors
from hub.directory.models import Kind, Nation, Organisation, Status

router = Router()


class OrganisationOut(Schema):
    slug: str
    name: str
    abbreviation: str
    kind: Kind
    kind_label: str
    nation: Nation | None
    status: Status
    url: str = Field(description="The organisation's page on the hub")
    api_url: str = Field(description="This organisation in the API, with its links")

    @staticmethod
    def resolve_kind_label(organisation: Organisation) -> str:
        return organisation.get_kind_display()

    @staticmethod
    def resolve_nation(organisation: Organisation) -> str | None:
        return organisation.nation or None

    @staticmethod
    def resolve_url(organisation: Organisation) -> str:
        return organisation.get_absolute_url()

    @staticmethod
    def resolve_api_url(organisation: Organisation) -> str:
        return reverse("api-1.0.0:organisation_detail", kwargs={"slug": organisation.slug})


class OrganisationLinkOut(Schema):
    slug: str
    name: str
    url: str

    @staticmethod
    def resolve_url(organisation: Organisation) -> str:
        return organisation.get_absolute_url()


class OrganisationCodesOut(Schema):
    govuk_slug: str | None
    la_code: str | None
    gss_code: str | None
    ods_code: str | None


class OrganisationDetailOut(OrganisationOut):
    other_names: list[str]
    nation_label: str
    region: str
    local_authority_type: str
    govuk_format: str
    closed_on: date | None
    website: str
    description: str
    address: str
    source: str
    codes: OrganisationCodesOut
    parents: list[OrganisationLinkOut]
    children: list[OrganisationLinkOut]

    @staticmethod
    def resolve_other_names(organisation: Organisation) -> list[str]:
        return [name for name in organisation.other_names.split("; ") if name]

    @staticmethod
    def resolve_nation_label(organisation: Organisation) -> str:
        return organisation.get_nation_display()

    @staticmethod
    def resolve_source(organisation: Organisation) -> str:
        return organisation.get_source_display()

    @staticmethod
    def resolve_codes(organisation: Organisation) -> dict:
        return {
            "govuk_slug": organisation.govuk_slug,
            "la_code": organisation.la_code,
            "gss_code": organisation.gss_code,
            "ods_code": organisation.ods_code,
        }

    @staticmethod
    def resolve_parents(organisation: Organisation) -> list[Organisation]:
        return list(organisation.parents.all())

    @staticmethod
    def resolve_children(organisation: Organisation) -> list[Organisation]:
        return list(organisation.children.all())


@router.get(
    "",
    response={200: list[OrganisationOut], **READ_ERRORS},
    url_name="organisation_list",
    summary="Search and filter organisations",
)
@paginate(LimitOffset)
def list_organisations(
    request,
    q: Annotated[
        str, Query(max_length=200, description="Name or abbreviation contains this text")
    ] = "",
    kind: Annotated[
        list[Kind], Query(description="Only these kinds (repeat the parameter for several)")
    ] = (),
    nation: Annotated[
        list[Nation], Query(description="Only these nations (repeat the parameter for several)")
    ] = (),
    include_closed: Annotated[bool, Query(description="Include bodies that have closed")] = False,
):
    """UK public bodies and partner organisations, best match first when `q` is given (an
    exact abbreviation first: `q=HMRC` finds HM Revenue & Customs first), otherwise by
    name. Closed bodies are left out unless `include_closed=true`."""
    return selectors.organisation_list(
        query=q, kinds=kind, nations=nation, include_closed=include_closed
    )


@router.get(
    "/{slug}",
    response={200: OrganisationDetailOut, **DETAIL_ERRORS},
    url_name="organisation_detail",
    summary="One organisation, with its parents and children",
)
def get_organisation(request, slug: str):
    """Everything the directory holds about one organisation. Unknown slugs are 404."""
    return selectors.organisation_detail(slug=slug)
