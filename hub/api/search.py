"""Search across everything the hub holds (DESIGN §5.3): one ranked list, best first, of what
the caller may see, with facet counts; and "what already exists like this?" for a text being
written. The pages at /search/ call the same selectors."""

import re
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import AfterValidator, BaseModel

from hub.api.auth import members
from hub.api.errors import READ_ERRORS, WRITE_ERRORS, ErrorOut, TooManyRequests
from hub.api.library import NO_CONTROL_CHARACTERS
from hub.api.pagination import LimitOffset
from hub.core.ratelimit import allowed, retry_after, who
from hub.search import registry, selectors
from hub.search.models import UnansweredQuery
from hub.search.services import count_if_unanswered, unanswered_close

router = Router()

MAX_LIMIT = 100
# No control characters, and at least one character that is not a space.
SOME_WORDS = (r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*[^\s\x00-\x1f]"
              r"[^\x00-\x08\x0b\x0c\x0e-\x1f]*$")


# The search's answers are plain dicts: validated by pydantic alone, without ninja's Schema,
# whose attribute getter (made for model instances) cost 0.85 ms a response for 10 results
# and their facet counts, where this takes 0.1 (bench/README.md, session 10).
class SearchResultOut(BaseModel):
    kind: str = Field(description="What it is: case (every library entry) or organisation "
                                  "(the directory: found when every word of the query is in "
                                  "its name, other names, description, type or place); later "
                                  "idea, challenge, person, event")
    id: int = Field(description="The object's id within its kind")
    source_id: str = Field(description="For cases: the `id` given at import")
    title: str
    url: str = Field(description="Its page on the hub")
    score: float = Field(description="Higher is closer; comparable within one response")
    caption: str = Field(description="Cases: organisation, country, year; organisations: "
                                     "type, place, and whether closed")
    snippet: str = Field(description="Where the text matched, with matches in <mark>")
    published: bool = Field(description="False for unpublished work, which only those who may "
                                        "open it ever see")
    state: str = Field(description="For unpublished work, what it is (Draft, In review, "
                                   "Archived…); empty when published")


class FacetValueOut(BaseModel):
    value: str
    label: str
    count: int


class SearchOut(BaseModel):
    count: int = Field(description="How many results the query has: at most 100 found by "
                                   "meaning (cases) and 100 organisations found by name")
    results: list[SearchResultOut]
    facets: dict[str, list[FacetValueOut]] = Field(
        description="For each facet (kind, challenge_area, country, evidence_level, year, "
                    "sector, entry_type, organisation_type, nation), how many results "
                    "choosing each value gives: the results of this query with that value, "
                    "other chosen facets kept")
    places: list[str] = Field(
        description="ISO 3166 codes of the countries the query names, itself or by region "
                    "(\"Nordic\", \"Asian\"); results from there rank a little higher, and "
                    "`country=` keeps only them")


def _result(hit: selectors.Hit) -> dict:
    document = hit.document
    return {"kind": document.kind, "id": document.object_id, "source_id": document.source_id,
            "title": document.title, "url": document.url, "score": round(hit.score, 6),
            "caption": document.caption, "snippet": str(hit.snippet),
            "published": document.published, "state": document.state}


# The kinds that apps have registered for search (the library's "case" now; ideas,
# challenges and others as they arrive), so the OpenAPI description lists them.
KindName = Literal[tuple(sorted(registry.kinds()))]


def _kinds(kind: list[str]) -> list[str] | None:
    return list(kind) or None


FacetValues = Annotated[list[Annotated[str, Field(max_length=100,
                                                  pattern=NO_CONTROL_CHARACTERS)]],
                        Query(description="Repeat for several")]


@router.get("", response={200: SearchOut, 429: ErrorOut, **READ_ERRORS}, url_name="search",
            summary="Search everything: cases and organisations (later ideas, challenges, "
                    "people…)")
def search(
    request,
    q: Annotated[str, Query(min_length=1, max_length=300, pattern=SOME_WORDS,
                            description="What you are looking for, in your own words")],
    kind: Annotated[list[KindName],
                    Query(description="Only these kinds; repeat for several")] = (),
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="How many results")] = 10,
    offset: Annotated[int, Query(ge=0, le=MAX_LIMIT, description="How many to skip")] = 0,
    method: Annotated[Literal["hybrid", "lexical", "semantic"], Query(
        description="hybrid (the hub's ranking); lexical or semantic alone, for comparison"
    )] = "hybrid",
    challenge_area: FacetValues = (),
    country: FacetValues = (),
    evidence_level: FacetValues = (),
    year: FacetValues = (),
    sector: FacetValues = (),
    entry_type: FacetValues = (),
    organisation_type: FacetValues = (),
    nation: FacetValues = (),
):
    """Ranked by the hub's hybrid of full-text and semantic search: a query that shares no
    word with a case still finds it. Organisations are found by name: one appears when every
    word of the query is in its name, other names, description, type or place, first when the
    query is its name or one of its other names ("HMRC"). Unpublished work appears only to
    those who may open it. Facet parameters take the `value`s listed under `facets`."""
    if not allowed(request, "search"):
        raise TooManyRequests(retry_after())
    facets = {"challenge_area": challenge_area, "country": country,
              "evidence_level": evidence_level, "year": year, "sector": sector,
              "entry_type": entry_type, "organisation_type": organisation_type,
              "nation": nation}
    results = selectors.search(q, user=request.user, kinds=_kinds(kind),
                               facets={k: list(v) for k, v in facets.items() if v},
                               method=method, with_facets=True)
    count_if_unanswered(results, first_page=offset == 0,
                        narrowed=bool(kind) or any(facets.values()), asked_by=who(request))
    return {"count": results.count,
            "results": [_result(hit) for hit in
                        selectors.with_text(results.hits[offset:offset + limit])],
            "facets": results.facets, "places": sorted(results.places)}


# No control characters, and at least two words.
TWO_WORDS = (r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*[^\s\x00-\x1f]+\s+[^\s\x00-\x1f]"
             r"[^\x00-\x08\x0b\x0c\x0e-\x1f]*$")


def _two_words(value: str) -> str:
    # The same rule as the pattern in the OpenAPI description, with messages that say what
    # to fix.
    if re.match(TWO_WORDS, value):
        return value
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", value) and len(value.split()) >= 2:
        raise ValueError("Remove the control characters from the text")
    raise ValueError("Give at least two words of the text you are writing, to compare")


class SimilarIn(Schema):
    title: Annotated[str, Field(max_length=300, pattern=NO_CONTROL_CHARACTERS,
                                description="The title, if there is one yet")] = ""
    text: Annotated[str, Field(max_length=20000, json_schema_extra={"pattern": TWO_WORDS},
                               description="What is being written: at least two words"),
                    AfterValidator(_two_words)]
    kind: list[KindName] = Field(default_factory=list,
                                 description="Only these kinds; by default every kind but "
                                             "organisations, which are found by name and so "
                                             "are offered only when asked for")
    limit: Annotated[int, Field(ge=1, le=20)] = 5


class SimilarOut(BaseModel):
    count: int
    results: list[SearchResultOut]


@router.post("/similar", response={200: SimilarOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut,
                                   422: ErrorOut, 429: ErrorOut},
             url_name="search_similar",
             summary="What already exists like this? (prior art for a new entry or idea)")
def similar(request, payload: SimilarIn):
    """The closest existing objects, in meaning, to a title and text someone is writing.
    Send at least two words of text."""
    if not allowed(request, "similar"):
        raise TooManyRequests(retry_after())
    hits = selectors.similar_to_text(payload.title, payload.text, user=request.user,
                                     limit=payload.limit, kinds=_kinds(payload.kind))
    return {"count": len(hits), "results": [_result(hit) for hit in selectors.with_text(hits)]}


# --- Questions the hub cannot answer yet (curators) ------------------------------------------


class UnansweredOut(Schema):
    id: int
    text: str = Field(description="The words asked (email addresses and long numbers removed)")
    times: int = Field(description="How often it was asked (each person or address at most "
                                    "once a day)")
    results: int = Field(description="How many results (none of them close) it had the "
                                      "last time")
    best_score: float | None = Field(description="How close the nearest result came by its "
                                                 "own text, the last time (below 0.35 is a "
                                                 "poor answer); null when there was none")
    first_asked: str
    last_asked: str
    status: UnansweredQuery.Status

    @staticmethod
    def resolve_first_asked(record: UnansweredQuery) -> str:
        return record.first_asked.isoformat()

    @staticmethod
    def resolve_last_asked(record: UnansweredQuery) -> str:
        return record.last_asked.isoformat()


class UnansweredStatusIn(Schema):
    status: UnansweredQuery.Status


def _curator(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied("Only curators and admins see the questions the hub cannot "
                               "answer.")


@router.get("/unanswered", response={200: list[UnansweredOut], 403: ErrorOut, **READ_ERRORS},
            auth=members, url_name="search_unanswered",
            summary="Questions the hub cannot answer yet, most asked first (curators)")
@paginate(LimitOffset)
def unanswered(request, status: Annotated[UnansweredQuery.Status, Query(
        description="open (default), answered or dismissed")] = UnansweredQuery.Status.OPEN):
    """The demand signal: searches that found nothing, or nothing close. The same list as
    the page at /search/unanswered/."""
    _curator(request, "search.view_unanswered")
    return selectors.unanswered_questions(status)


@router.post("/unanswered/{id}/status", response={200: UnansweredOut, **WRITE_ERRORS},
             auth=members, url_name="search_unanswered_status",
             summary="Mark a question answered, dismissed or open again (curators)")
def unanswered_status(request, id: Annotated[int, Path(ge=1, le=2**63 - 1)],
                      payload: UnansweredStatusIn):
    """Written to the audit log, as from the page."""
    _curator(request, "search.close_unanswered")
    record = get_object_or_404(UnansweredQuery, pk=id)
    return unanswered_close(record=record, by=request.user, status=payload.status)
