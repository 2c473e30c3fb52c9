"""The kinds of object the hub searches, each offered by the app that owns it.

Search knows no domain app. An app describes its searchable objects in its own ``search.py``
and registers them in ``AppConfig.ready`` (as the library does for its entries): how to turn
objects into documents, which unpublished ones a person may see, and a label. Search keeps the
index in step through model signals and hands back kinds and ids.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import QuerySet


@dataclass
class DocumentData:
    """One object as the index sees it."""

    object_id: int
    title: str
    url: str
    published: bool
    body: str = ""          # the main text: a summary
    detail: str = ""        # results, outcome
    meta: str = ""          # organisation, country, challenge area as words
    source_id: str = ""
    caption: str = ""       # shown under the title in results
    state: str = ""         # unpublished: what it is ("Draft", "In review"), shown on its tag
    facets: dict[str, list[str]] = field(default_factory=dict)
    # Other names it is known by ("HMRC"), for kinds found by name: a query that is one of
    # them names it exactly, as its title does. (Put them in its text too, to be found.)
    names: list[str] = field(default_factory=list)

    def embedding_text(self) -> str:
        """What the model embeds: title, main text, detail, then the metadata line — the text
        measured best on the labelled queries (docs/decisions/0006-search-ranking.md)."""
        parts = [f"{self.title.strip().rstrip('.')}.", self.body.strip(), self.detail.strip(),
                 self.meta.strip()]
        return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class Kind:
    name: str                 # "case": what the API calls it
    label: str                # "Case study"
    plural: str               # "Cases"
    model: str                # "library.entry"
    # ids → the documents of those objects (objects that no longer exist are skipped);
    # None → every object.
    documents: Callable[[Iterable[int] | None], Iterator[DocumentData]]
    # The ids of unpublished objects this person may see (None: none at all).
    visible_unpublished: Callable[..., QuerySet | None]
    # Facets this kind offers, in the order pages show them: {"challenge_area": "Challenge area"}
    facets: dict[str, str] = field(default_factory=dict)
    # Turns a facet value into words: (facet, value) → label.
    facet_label: Callable[[str, str], str] = lambda facet, value: value
    # Found by its name, not by what it is about (an organisation): in a search of every kind
    # it is shown only when every word of the query is in its document, and it is never
    # offered as similar or prior art unless asked for. Its documents count in no statistic
    # of the other kinds' ranking, which is the same with or without them
    # (docs/decisions/0006-search-ranking.md, "Kinds found by name").
    found_by_name: bool = False


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    from hub.search import signals

    _kinds[kind.name] = kind
    signals.connect(kind)


def kinds() -> dict[str, Kind]:
    return dict(_kinds)


def get(name: str) -> Kind:
    return _kinds[name]


def found_by_name() -> frozenset[str]:
    return frozenset(name for name, kind in _kinds.items() if kind.found_by_name)


def for_model(label: str) -> Kind | None:
    return next((kind for kind in _kinds.values() if kind.model == label), None)
