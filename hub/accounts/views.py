"""Pages for a person's own account, and for curators and admins managing people, roles and
the practitioner allow-list. Views parse, check, call a service, and render or redirect."""

import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hub.accounts import forms, selectors, services
from hub.accounts.models import PractitionerDomain, PractitionerRequest, User
from hub.core.permissions import require_perm
from hub.core.roles import GROUP_ROLES, ROLE_DESCRIPTIONS, Role, role_names


def _posted(request):
    """The submitted data, or None for a GET: an empty POST still shows what is missing."""
    return request.POST if request.method == "POST" else None


# --- Your account -------------------------------------------------------------------------


NEW_TOKEN_SESSION_KEY = "hub_new_api_token"  # noqa: S105 - a session key name, not a secret


@login_required
def account_home(request, token_form=None):
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    person = selectors.account_overview(user=request.user)
    requests = list(request.user.practitioner_requests.order_by("-created_at")[:1])
    latest_request = requests[0] if requests else None
    return render(request, "accounts/home.html", {
        "person": person,
        "roles": [Role(role) for role in GROUP_ROLES if role in role_names(request.user)],
        "latest_request": latest_request,
        "token_form": token_form or forms.ApiTokenForm(),
        "new_token": new_token,
    })


@login_required
def profile_edit(request):
    user = request.user
    initial = {"display_name": user.display_name, "job_title": user.job_title,
               "organisation": user.organisation_id}
    form = forms.ProfileForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=user, **form.cleaned_data)
        messages.success(request, "Your details have been saved.")
        return redirect("accounts:home")
    return render(request, "accounts/profile_form.html", {"form": form})


@login_required
@require_POST
def token_create(request):
    form = forms.ApiTokenForm(request.POST)
    if not form.is_valid():
        return account_home(request, token_form=form)
    try:
        _token, secret = services.api_token_create(user=request.user,
                                                   name=form.cleaned_data["name"])
    except ValidationError as error:
        form.add_error("name", error)
        return account_home(request, token_form=form)
    # Shown once, on the next page only: kept in the (server-side) session until then and
    # never put in a URL, so reloading the page cannot create a second token.
    request.session[NEW_TOKEN_SESSION_KEY] = secret
    return redirect("accounts:home")


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(request.user.api_tokens.active(), pk=pk)
    services.api_token_revoke(token=token, by=request.user)
    messages.success(request, f"The token “{token.name}” has been revoked.")
    return redirect("accounts:home")


@login_required
def data_download(request):
    data = services.account_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="innovation-hub-my-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@reauthentication_required
def account_delete(request):
    if request.method == "POST":
        user = request.user
        services.account_erase(user=user, by=user)
        logout(request)
        messages.success(
            request, "Your account has been deleted and your personal data erased."
        )
        return redirect("core:home")
    return render(request, "accounts/delete_confirm.html")


@login_required
def practitioner_request(request):
    if not request.user.has_perm("accounts.request_practitioner_status"):
        messages.info(request, "You are already recognised as a practitioner.")
        return redirect("accounts:home")
    form = forms.PractitionerRequestForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.practitioner_request_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your request has been sent. A curator will decide soon.")
            return redirect("accounts:home")
    return render(request, "accounts/practitioner_request.html", {"form": form})


# --- People and roles (curators and admins) -----------------------------------------------


@login_required
@require_perm("accounts.view_people")
def people(request):
    form = forms.PeopleSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    found = selectors.people_list(query=filters.get("q", ""), role=filters.get("role", ""))
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    return render(request, "accounts/people.html", {
        "form": form,
        "page_obj": page,
        "requests": selectors.pending_practitioner_requests(),
    })


def _grantable(user) -> list[Role]:
    return [Role(role) for role in GROUP_ROLES if user.has_perm("accounts.grant_role", role)]


@login_required
@require_perm("accounts.view_people")
def person_roles(request, pk: int):
    person = get_object_or_404(User.objects.filter(erased_at__isnull=True), pk=pk)
    grantable = _grantable(request.user)
    held = role_names(person)
    form = forms.RolesForm(
        _posted(request), grantable=grantable,
        initial={"roles": [role for role in grantable if role in held]},
    )
    if request.method == "POST" and form.is_valid():
        wanted = set(form.cleaned_data["roles"])
        try:
            for role in grantable:
                if role in wanted:
                    services.role_grant(user=person, role=role, by=request.user)
                else:
                    services.role_revoke(user=person, role=role, by=request.user)
        except ValidationError as error:
            form.add_error("roles", error)
        else:
            messages.success(request, f"Roles for {person.public_name} have been saved.")
            return redirect("people:list")
    return render(request, "accounts/person_roles.html", {
        "person": person,
        "form": form,
        "held": [Role(role) for role in GROUP_ROLES if role in held],
        "descriptions": ROLE_DESCRIPTIONS,
    })


@login_required
@require_perm("accounts.decide_practitioner_request")
def practitioner_decide(request, pk: int):
    practitioner_request = get_object_or_404(
        PractitionerRequest.objects.select_related("user"), pk=pk
    )
    form = forms.DecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.practitioner_request_decide(
                request=practitioner_request, by=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your decision has been recorded.")
            return redirect("people:list")
    return render(request, "accounts/practitioner_decide.html",
                  {"practitioner_request": practitioner_request, "form": form})


@login_required
@require_perm("accounts.edit_allow_list")
def allow_list(request):
    form = forms.DomainForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.domain_add(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("domain", error)
        else:
            messages.success(request, f"{entry.domain} has been added to the allow-list.")
            return redirect("people:allow_list")
    return render(request, "accounts/allow_list.html",
                  {"form": form, "domains": PractitionerDomain.objects.all()})


@login_required
@require_perm("accounts.edit_allow_list")
@require_POST
def allow_list_remove(request, pk: int):
    entry = get_object_or_404(PractitionerDomain, pk=pk)
    services.domain_remove(entry=entry, by=request.user)
    messages.success(request, f"{entry.domain} has been removed from the allow-list.")
    return redirect("people:allow_list")
