from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hub.core.csv_export import csv_response
from hub.core.permissions import require_perm
from hub.core.sections import sections_for
from hub.directory import selectors, services
from hub.directory.forms import OrganisationFilterForm, PartnerForm, PublicBodyForm

PAGE_SIZE = 25

CSV_HEADER = [
    "name",
    "abbreviation",
    "kind",
    "nation",
    "region",
    "type",
    "status",
    "closed on",
    "website",
    "GOV.UK slug",
    "local authority code",
    "GSS code",
    "NHS ODS code",
    "page",
]


def _csv_rows(request: HttpRequest, organisations):
    for organisation in organisations.iterator(chunk_size=500):
        yield [
            organisation.name,
            organisation.abbreviation,
            organisation.get_kind_display(),
            organisation.get_nation_display(),
            organisation.region,
            organisation.local_authority_type or organisation.govuk_format,
            organisation.get_status_display(),
            organisation.closed_on.isoformat() if organisation.closed_on else "",
            organisation.website,
            organisation.govuk_slug or "",
            organisation.la_code or "",
            organisation.gss_code or "",
            organisation.ods_code or "",
            request.build_absolute_uri(organisation.get_absolute_url()),
        ]


def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    organisations = selectors.organisation_list(**form.filters())
    if request.GET.get("format") == "csv":
        return csv_response("organisations.csv", CSV_HEADER, _csv_rows(request, organisations))
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "directory/list.html", {"form": form, "page_obj": page})


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_detail(slug=slug)
    return render(
        request,
        "directory/detail.html",
        {
            "organisation": organisation,
            # Until profiles have their own visibility settings, names are for members only.
            "people": selectors.organisation_people(organisation=organisation)
            if request.user.is_authenticated
            else None,
            "can_change": request.user.has_perm("directory.change_organisation", organisation),
            # Case studies (and later challenges, projects) come from the apps that own them.
            "sections": sections_for(organisation, user=request.user),
        },
    )


@login_required
@require_perm("directory.add_partner")
def organisation_add(request: HttpRequest) -> HttpResponse:
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create_partner(
                by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{organisation.name} has been added to the directory.")
            return redirect(organisation)
    return render(request, "directory/organisation_form.html", {"form": form})


@login_required
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_detail(slug=slug)
    if not request.user.has_perm("directory.change_organisation", organisation):
        raise PermissionDenied
    form_class = PartnerForm if organisation.is_partner else PublicBodyForm
    initial = {
        "kind": organisation.kind,
        "name": organisation.name,
        "abbreviation": organisation.abbreviation,
        "website": organisation.website,
        "description": organisation.description,
        "parents": "\n".join(parent.name for parent in organisation.parents.all()),
    }
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Your changes to {organisation.name} have been saved.")
            return redirect(organisation)
    return render(
        request, "directory/organisation_form.html", {"form": form, "organisation": organisation}
    )
