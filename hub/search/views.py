"""Search pages: results with facets for everyone (/search/), the prior-art panel that forms
ask for while someone writes (/search/similar/), and, for curators, the questions the hub
could not answer (/search/unanswered/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from hub.core.csv_export import csv_response
from hub.core.permissions import require_perm
from hub.core.ratelimit import allowed, retry_after, who
from hub.search import registry, selectors
from hub.search.forms import SearchForm, SimilarForm, UnansweredStatusForm
from hub.search.models import UnansweredQuery
from hub.search.services import count_if_unanswered, unanswered_close

PAGE_SIZE = 10
FACET_PARAMETERS = ("kind", "entry_type", "challenge_area", "country", "evidence_level", "year",
                    "sector", "organisation_type", "nation")
SHOWN_VALUES = 12  # facet values listed before "and N more"


def _chosen(request: HttpRequest) -> dict[str, list[str]]:
    return {name: [value[:100] for value in request.GET.getlist(name) if value][:20]
            for name in FACET_PARAMETERS if request.GET.getlist(name)}


def _label(hit: selectors.Hit) -> str:
    kinds = registry.kinds()
    kind = kinds.get(hit.kind)
    if kind is None:
        return hit.kind
    entry_types = (hit.document.facets or {}).get("entry_type")
    if entry_types:
        return kind.facet_label("entry_type", entry_types[0])
    return kind.label


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context = {"form": form, "query": "", "page_obj": None, "facet_groups": [], "chosen": {},
               "hide_header_search": True}
    if not form.is_bound or not form.is_valid() or not form.cleaned_data["q"]:
        return render(request, "search/results.html", context)
    query = form.cleaned_data["q"]
    if not allowed(request, "search"):
        return _too_many(request, context)
    chosen = _chosen(request)
    kinds = chosen.pop("kind", None)
    results = selectors.search(query, user=request.user, kinds=kinds, facets=chosen,
                               with_facets=True)
    page = Paginator(results.hits, PAGE_SIZE).get_page(request.GET.get("page"))
    # Curators opening a recorded question from their list are not asking it again.
    if request.GET.get("from") != "unanswered":
        count_if_unanswered(results, first_page=page.number == 1,
                            narrowed=bool(chosen or kinds), asked_by=who(request))
    for hit in selectors.with_text(list(page.object_list)):
        hit.label = _label(hit)
    names = selectors.facet_names()
    groups = []
    selected = {**chosen, **({"kind": kinds} if kinds else {})}
    for name, label in names.items():
        values = results.facets.get(name, [])
        picked = set(selected.get(name, []))
        if not picked and (not values or (len(values) == 1
                                           and values[0]["count"] == results.count)):
            continue  # a filter that would change nothing
        shown = [value for value in values
                 if value["value"] in picked or values.index(value) < SHOWN_VALUES]
        groups.append({"name": name, "label": label, "values": shown, "picked": picked,
                       "more": [value for value in values if value not in shown]})
    labels = {(name, value["value"]): value["label"]
              for name, values in results.facets.items() for value in values}
    context.update({"query": query, "results": results, "page_obj": page,
                    "facet_groups": groups, "chosen": selected,
                    "chosen_labels": [labels.get((name, value), value)
                                      for name, values in selected.items() for value in values],
                    "only_there": _only_there(request, results, chosen)})
    return render(request, "search/results.html", context)


def _too_many(request: HttpRequest, context: dict, *,
              template: str = "search/results.html") -> HttpResponse:
    """429: this person or address has asked a lot in the last minute."""
    context = {**context, "too_many": True, "retry_after": retry_after()}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(context["retry_after"])
    return response


def _only_there(request: HttpRequest, results: selectors.Results,
                chosen: dict[str, list[str]]) -> dict | None:
    """When the query names places and some results are from there: a link that keeps only
    those ({"href", "names", "count"}). Places lift results from there a little; this is the
    way to see nothing else."""
    there = None if chosen.get("country") else selectors.from_named_places(results)
    if there is None:
        return None
    parameters = request.GET.copy()
    parameters.setlist("country", there.values)
    parameters.pop("page", None)
    names = there.labels
    return {"href": "?" + parameters.urlencode(), "count": there.count,
            "names": names if len(names) <= 4 else [*names[:3], f"{len(names) - 3} more"]}


@require_POST
def similar(request: HttpRequest) -> HttpResponse:
    """The prior-art panel as an HTML fragment, for forms that update it as people type.
    Posted (with the form's CSRF token), so that the words of a draft stay out of addresses
    and server logs."""
    form = SimilarForm(request.POST)
    hits = []
    if not allowed(request, "similar"):
        return _too_many(request, {"prior_art": [], "checked": False},
                         template="search/_prior_art.html")
    if form.is_valid():
        hits = selectors.similar_to_text(
            form.cleaned_data["title"], form.cleaned_data["summary"], user=request.user,
            kinds=form.cleaned_data["kind"] or None, exclude=form.excluded())
    return render(request, "search/_prior_art.html", {"prior_art": hits, "checked": True})


@login_required
@require_perm("search.view_unanswered")
def unanswered(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or UnansweredQuery.Status.OPEN
    if status not in UnansweredQuery.Status.values:
        status = UnansweredQuery.Status.OPEN
    records = selectors.unanswered_questions(status)
    if request.GET.get("format") == "csv":
        return csv_response(
            "unanswered-questions.csv",
            ["question", "times asked", "results", "best score", "first asked", "last asked",
             "status"],
            ([r.text, r.times, r.results,
              "" if r.best_score is None else f"{r.best_score:.2f}",
              r.first_asked.isoformat(), r.last_asked.isoformat(), r.get_status_display()]
             for r in records),
        )
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "search/unanswered.html", {
        "page_obj": page, "status": status, "statuses": selectors.unanswered_counts(),
    })


@require_POST
@login_required
@require_perm("search.close_unanswered")
def unanswered_status(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(UnansweredQuery, pk=pk)
    form = UnansweredStatusForm(request.POST)
    if form.is_valid():
        unanswered_close(record=record, by=request.user, status=form.cleaned_data["status"])
        messages.success(request, f"“{record.text}” is now marked "
                                  f"{record.get_status_display().lower()}.")
    else:
        messages.error(request, "Choose answered, dismissed or open.")
    return redirect("search:unanswered")


app_name = "search"
urlpatterns = [
    path("", search, name="search"),
    path("similar/", similar, name="similar"),
    path("unanswered/", unanswered, name="unanswered"),
    path("unanswered/<int:pk>/status/", unanswered_status, name="unanswered_status"),
]
