"""The directory's organisations as search documents (kind "organisation"). Registered with
the search index in ``DirectoryConfig.ready``.

An organisation's document says who it is, not what it has done: its name, the other names it
goes by, its description, what kind of body it is and where. What it has tried is in its cases,
which are documents of their own; were it in the organisation's document too, every council
would answer every question about councils' work. (How organisations share the one list of
results with cases: docs/decisions/0006-search-ranking.md, "Kinds found by name".)
"""

from collections.abc import Iterable, Iterator

from hub.directory.models import Kind as OrganisationKind
from hub.directory.models import Nation, Organisation, Status
from hub.search.registry import DocumentData, Kind

FACETS = {
    "organisation_type": "Type of organisation",
    "nation": "Nation",
}
LABELS = {
    "organisation_type": dict(OrganisationKind.choices),
    "nation": dict(Nation.choices),
}


def organisation_document(organisation: Organisation) -> DocumentData:
    names = [organisation.abbreviation.strip(),
             *(name.strip() for name in organisation.other_names.split(";"))]
    names = [name for name in dict.fromkeys(names) if name and name != organisation.name]
    where = ", ".join(part for part in (organisation.region, organisation.get_nation_display())
                      if part)
    kind = organisation.get_kind_display()
    meta = " ".join(part for part in (
        f"{kind}." if kind else "",
        f"{organisation.local_authority_type}." if organisation.local_authority_type else "",
        f"{where}." if where else "",
    ) if part)
    closed = "Closed" if organisation.status == Status.CLOSED else ""
    facets = {
        "organisation_type": [organisation.kind] if organisation.kind else [],
        "nation": [organisation.nation] if organisation.nation else [],
    }
    return DocumentData(
        object_id=organisation.pk,
        title=organisation.name,
        url=organisation.get_absolute_url(),
        published=True,  # the directory is open to everyone, closed bodies included
        body=" ".join(part for part in (
            f"Also known as {'; '.join(names)}." if names else "",
            organisation.description.strip(),
        ) if part),
        meta=meta,
        caption=" · ".join(part for part in (kind, where, closed) if part),
        names=names,
        facets={name: values for name, values in facets.items() if values},
    )


def documents(ids: Iterable[int] | None) -> Iterator[DocumentData]:
    organisations = Organisation.objects.order_by("pk")
    if ids is not None:
        organisations = organisations.filter(pk__in=list(ids))
    for organisation in organisations.iterator(chunk_size=500):
        yield organisation_document(organisation)


def visible_unpublished(user):
    return None  # nothing in the directory is hidden


def facet_label(facet: str, value: str) -> str:
    return str(LABELS.get(facet, {}).get(value, value))


KIND = Kind(name="organisation", label="Organisation", plural="Organisations",
            model="directory.organisation", documents=documents,
            visible_unpublished=visible_unpublished, facets=FACETS, facet_label=facet_label,
            found_by_name=True)
