"""The index follows the library: what people write, edit, archive, delete or import is found
(or no longer found) as soon as it is saved, without anyone rebuilding anything; and
``manage.py search_reindex`` rebuilds it from scratch."""

import io
import json

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from hub.library.models import Entry, Status
from hub.library.services.entries import (
    EntryData,
    entry_archive,
    entry_create,
    entry_publish,
    entry_restore,
    entry_update,
)
from hub.library.taxonomy import ChallengeArea
from hub.library.tests.factories import EntryFactory
from hub.search import selectors, vectors
from hub.search.models import Document, PieceVectors
from hub.search.services import batch, index_objects

pytestmark = pytest.mark.django_db

VISITOR = AnonymousUser()


def found(query, user=VISITOR, method="hybrid") -> list[int]:
    """The ids of the entries this person finds, best first."""
    return [hit.document.object_id for hit in
            selectors.search(query, user=user, method=method).hits]


def beekeeping(**values) -> EntryData:
    return EntryData(values={
        "title": "Rooftop beekeeping on council offices",
        "summary": "A borough council put beehives on the roofs of its offices and "
                   "taught staff to keep bees.",
        "challenge_area": ChallengeArea.CLIMATE,
        **values,
    })


# --- Writing through the library's services -------------------------------------------------


def test_a_new_entry_is_indexed_once_its_transaction_commits(
        practitioner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = entry_create(by=practitioner, data=beekeeping())
        # Embedding waits for the commit (then a background task): never inside the request.
        assert not Document.objects.filter(kind="case", object_id=entry.pk).exists()
    document = Document.objects.get(kind="case", object_id=entry.pk)
    assert document.title == "Rooftop beekeeping on council offices"
    assert document.url == entry.get_absolute_url()
    assert document.source_id == entry.source_id
    assert document.published is False
    assert document.embedding and document.text_hash
    assert found("beekeeping", user=practitioner, method="lexical") == [entry.pk]
    assert found("honey bees on the roof", user=practitioner, method="semantic")[0] == entry.pk


def test_an_entry_whose_transaction_rolls_back_is_never_indexed(
        practitioner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            entry_create(by=practitioner, data=beekeeping())
            raise RuntimeError("the request failed after saving")
    assert not Document.objects.exists()
    assert found("beekeeping", user=practitioner, method="lexical") == []


def test_editing_the_title_changes_what_finds_the_entry(
        practitioner, curator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = entry_create(by=practitioner, data=beekeeping())
    with django_capture_on_commit_callbacks(execute=True):
        entry_publish(entry=entry, by=curator)
    assert found("beekeeping", method="lexical") == [entry.pk]
    assert found("hedgehog", method="lexical") == []

    with django_capture_on_commit_callbacks(execute=True):
        entry_update(entry=entry, by=curator, data=EntryData(values={
            "title": "Hedgehog highways through back gardens",
            "summary": "Residents cut small holes in garden fences so hedgehogs can roam.",
        }))
    assert Document.objects.get(object_id=entry.pk).title == (
        "Hedgehog highways through back gardens")
    assert found("beekeeping", method="lexical") == []
    assert found("hedgehog", method="lexical") == [entry.pk]
    assert found("helping small wild mammals move between yards", method="semantic")[0] == (
        entry.pk)


def test_archiving_an_entry_takes_it_out_of_public_results_and_restoring_brings_it_back(
        practitioner, curator, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = entry_create(by=practitioner, data=beekeeping())
        entry_publish(entry=entry, by=curator)
    for method in ("hybrid", "lexical", "semantic"):
        assert entry.pk in found("beekeeping on roofs", method=method), method

    with django_capture_on_commit_callbacks(execute=True):
        entry_archive(entry=entry, by=curator)
    assert Document.objects.get(object_id=entry.pk).published is False
    for method in ("hybrid", "lexical", "semantic"):
        assert entry.pk not in found("beekeeping on roofs", method=method), method
        assert entry.pk not in found("beekeeping on roofs", user=member, method=method)
        # Those who may still open it (its author, curators) still find it.
        assert entry.pk in found("beekeeping on roofs", user=practitioner, method=method)
        assert entry.pk in found("beekeeping on roofs", user=curator, method=method)

    with django_capture_on_commit_callbacks(execute=True):
        entry_restore(entry=entry, by=curator)
    assert found("beekeeping on roofs")[0] == entry.pk


def test_deleting_an_entry_removes_its_document(curator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = EntryFactory(title="Rooftop beekeeping on council offices")
        other = EntryFactory(title="Rooftop solar panels on schools")
    assert Document.objects.filter(object_id=entry.pk).exists()
    assert PieceVectors.objects.filter(document__object_id=entry.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        entry.delete()
    assert not Document.objects.filter(kind="case", object_id=entry.pk).exists()
    # Its word-piece vectors go with it; the other entry keeps its own.
    assert list(PieceVectors.objects.values_list("document__object_id", flat=True)) == [
        other.pk]
    assert Document.objects.filter(kind="case", object_id=other.pk).exists()
    assert found("rooftop beekeeping", user=curator, method="lexical") == [other.pk]
    assert entry.pk not in found("rooftop beekeeping", user=curator, method="semantic")


def test_linking_an_organisation_to_an_entry_reindexes_it(django_capture_on_commit_callbacks):
    """An entry with no organisation named by its source shows its linked directory
    organisations; linking one (a change to a relation, not to the entry's row) must reach
    the index, from either side of the relation."""
    from hub.directory.tests.factories import PublicBodyFactory

    with django_capture_on_commit_callbacks(execute=True):
        entry = EntryFactory(title="Rooftop beekeeping on council offices",
                             organisation_names=[])
    assert "Wakefield" not in Document.objects.get(object_id=entry.pk).meta
    wakefield = PublicBodyFactory(name="Wakefield Metropolitan District Council")
    with django_capture_on_commit_callbacks(execute=True):
        entry.organisations.add(wakefield)
    assert "Organisation: Wakefield" in Document.objects.get(object_id=entry.pk).meta
    assert found("Wakefield", method="lexical") == [entry.pk]
    with django_capture_on_commit_callbacks(execute=True):
        wakefield.library_entries.remove(entry)
    assert "Wakefield" not in Document.objects.get(object_id=entry.pk).meta
    assert found("Wakefield", method="lexical") == []


def test_an_unchanged_text_is_not_embedded_again():
    entry = EntryFactory(title="Rooftop beekeeping on council offices", evidence_level=2)
    assert index_objects("case", [entry.pk]) == {"indexed": 1, "embedded": 1, "removed": 0}
    first = Document.objects.get(object_id=entry.pk)
    assert index_objects("case", [entry.pk]) == {"indexed": 1, "embedded": 0, "removed": 0}

    # A change that is not in the embedded text (a facet, the state) is written, not embedded.
    Entry.objects.filter(pk=entry.pk).update(evidence_level=4, status=Status.ARCHIVED)
    assert index_objects("case", [entry.pk])["embedded"] == 0
    document = Document.objects.get(object_id=entry.pk)
    assert document.facets["evidence_level"] == ["4"]
    assert document.published is False
    assert bytes(document.embedding) == bytes(first.embedding)
    assert document.text_hash == first.text_hash

    # A change to the text is embedded again.
    Entry.objects.filter(pk=entry.pk).update(summary="Bees on the roof, and honey for staff.")
    assert index_objects("case", [entry.pk])["embedded"] == 1
    document = Document.objects.get(object_id=entry.pk)
    assert document.text_hash != first.text_hash
    assert bytes(document.embedding) != bytes(first.embedding)


def test_an_unchanged_document_is_not_written_again():
    entries = [EntryFactory(title=f"Rooftop beekeeping on council offices, site {n}")
               for n in range(3)]
    index_objects("case", [entry.pk for entry in entries])
    token = vectors.current_token()
    with CaptureQueriesContext(connection) as queries:
        assert index_objects("case", None)["indexed"] == 3
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().startswith("UPDATE")]
    assert vectors.current_token() == token  # nothing changed: no process reloads anything
    # One changed: that one is written, and the index's state moves on.
    Entry.objects.filter(pk=entries[1].pk).update(evidence_level=4)
    with CaptureQueriesContext(connection) as queries:
        index_objects("case", None)
    updates = [q["sql"] for q in queries.captured_queries
               if q["sql"].lstrip().startswith('UPDATE "search_document"')]
    assert len(updates) == 1
    assert vectors.current_token() != token
    assert Document.objects.get(object_id=entries[1].pk).facets["evidence_level"] == ["4"]


def test_changes_made_in_a_batch_are_indexed_together_when_it_ends():
    with batch():
        entries = [EntryFactory(title=f"Rooftop beekeeping pilot {n}") for n in range(3)]
        assert not Document.objects.exists()
    assert set(Document.objects.values_list("object_id", flat=True)) == {
        entry.pk for entry in entries}


# --- manage.py search_reindex ---------------------------------------------------------------


def test_search_reindex_rebuilds_the_index_from_scratch_and_shows_progress(capsys, curator):
    entries = [EntryFactory(title=title) for title in (
        "Rooftop beekeeping on council offices", "Hedgehog highways through back gardens",
        "Free bus travel for apprentices")]
    draft = EntryFactory(title="Draft about beekeeping", status=Status.DRAFT)
    Document.objects.all().delete()
    assert found("beekeeping", user=curator, method="lexical") == []

    out = io.StringIO()
    call_command("search_reindex", stdout=out)
    assert out.getvalue().startswith("case: 4 indexed, 4 embedded, 0 removed in ")
    assert "4/4" in capsys.readouterr().err  # progress, as it goes
    assert Document.objects.count() == 4
    assert found("hedgehog", method="lexical") == [entries[1].pk]
    assert found("beekeeping", method="lexical") == [entries[0].pk]
    assert set(found("beekeeping", user=curator, method="lexical")) == {entries[0].pk, draft.pk}
    assert found("young trainees riding buses without paying", method="semantic")[0] == (
        entries[2].pk)


def test_search_reindex_embeds_only_what_changed_unless_asked_to_start_fresh():
    EntryFactory.create_batch(2)
    call_command("search_reindex", stdout=io.StringIO())
    out = io.StringIO()
    call_command("search_reindex", stdout=out)
    assert out.getvalue().startswith("case: 2 indexed, 0 embedded, 0 removed")
    out = io.StringIO()
    call_command("search_reindex", "--fresh", stdout=out)
    assert out.getvalue().startswith("case: 2 indexed, 2 embedded, 0 removed")
    assert not Document.objects.filter(embedding__isnull=True).exists()


def test_search_reindex_drops_documents_of_entries_that_no_longer_exist():
    kept = EntryFactory(title="Rooftop beekeeping on council offices")
    index_objects("case", [kept.pk])
    Document.objects.create(kind="case", object_id=kept.pk + 1000, title="Beekeeping ghost",
                            url="/library/entries/ghost/", published=True)
    out = io.StringIO()
    call_command("search_reindex", stdout=out)
    assert out.getvalue().startswith("case: 1 indexed, 0 embedded, 1 removed")
    assert list(Document.objects.values_list("object_id", flat=True)) == [kept.pk]
    assert list(PieceVectors.objects.values_list("document__object_id", flat=True)) == [
        kept.pk]
    assert found("beekeeping", method="lexical") == [kept.pk]


# --- manage.py import_cases -----------------------------------------------------------------


def write_cases(path, *cases) -> str:
    path.write_text("".join(json.dumps(case) + "\n" for case in cases), encoding="utf-8")
    return str(path)


HEDGEHOGS = {
    "id": "t-hedgehogs", "title": "Hedgehog highways through back gardens",
    "country": "United Kingdom", "organisation": "Brighton and Hove City Council",
    "year": 2019, "sector": "public", "challenge_area": "climate and environment",
    "summary": "Residents cut small holes in garden fences so hedgehogs can roam at night.",
    "outcome": "Hedgehog sightings rose in the streets that took part.",
    "evidence_note": "volunteer survey", "source": "https://example.org/hedgehogs",
}
BUSES = {
    "id": "t-buses", "title": "Free bus travel for apprentices", "country": "France",
    "organisation": "Métropole de Lyon", "year": 2021, "sector": "public",
    "challenge_area": "transport",
    "summary": "Apprentices under 25 ride the city's buses and trams without paying.",
    "outcome": "More apprentices stayed on their courses.", "evidence_note": "none reported",
    "source": "https://example.org/buses",
}


def test_imported_cases_are_found_lexically_and_semantically_as_soon_as_the_import_returns(
        tmp_path):
    call_command("import_cases", write_cases(tmp_path / "cases.jsonl", HEDGEHOGS, BUSES),
                 stdout=io.StringIO(), stderr=io.StringIO())
    hedgehogs = Entry.objects.get(source_id="t-hedgehogs")
    buses = Entry.objects.get(source_id="t-buses")
    assert found("hedgehog", method="lexical") == [hedgehogs.pk]
    assert found("métropole lyon", method="lexical") == [buses.pk]
    assert found("young trainees riding trams at no cost", method="semantic")[0] == buses.pk
    assert found("helping small wild mammals move between yards", method="semantic")[0] == (
        hedgehogs.pk)
    document = Document.objects.get(object_id=hedgehogs.pk)
    assert document.source_id == "t-hedgehogs" and document.published is True
    assert document.facets["country"] == ["GB"]


def test_reimporting_a_case_updates_its_document_instead_of_adding_one(tmp_path):
    path = tmp_path / "cases.jsonl"
    call_command("import_cases", write_cases(path, HEDGEHOGS), stdout=io.StringIO())
    call_command("import_cases",
                 write_cases(path, {**HEDGEHOGS, "title": "Badger bridges over motorways"}),
                 stdout=io.StringIO())
    assert Document.objects.count() == 1
    entry = Entry.objects.get(source_id="t-hedgehogs")
    assert found("badger", method="lexical") == [entry.pk]
    assert found("highways", method="lexical") == []


def test_a_dry_run_import_indexes_nothing(tmp_path):
    call_command("import_cases", write_cases(tmp_path / "cases.jsonl", HEDGEHOGS), "--dry-run",
                 stdout=io.StringIO())
    assert not Document.objects.exists()
    assert found("hedgehog", method="lexical") == []


# --- Every process's vectors follow the database --------------------------------------------


def test_vectors_held_by_another_process_follow_every_change_to_the_index(curator):
    from hub.search.embedding import from_bytes
    from hub.search.vectors import VectorIndex

    elsewhere = VectorIndex()  # what a second web process holds in memory

    def held(stored: bytes) -> bytes:  # a stored embedding as a process holds it
        return from_bytes(stored).astype(np.float16).tobytes()

    def rows() -> dict[int, tuple[bool, bytes]]:
        snapshot = elsewhere.snapshot()
        return {int(snapshot.object_ids[row]): (bool(snapshot.published[row]),
                                                snapshot.matrix[row].tobytes())
                for row in range(len(snapshot))}

    first, second = EntryFactory(), EntryFactory()
    index_objects("case", [first.pk, second.pk])
    assert set(rows()) == {first.pk, second.pk}

    Entry.objects.filter(pk=first.pk).update(status=Status.ARCHIVED,
                                             summary="Bees on the roof, honey for staff.")
    index_objects("case", [first.pk])
    document = Document.objects.get(object_id=first.pk)
    assert rows()[first.pk] == (False, held(document.embedding))

    deleted = second.pk
    second.delete()
    third = EntryFactory()
    index_objects("case", [deleted, third.pk])
    assert set(rows()) == {first.pk, third.pk}
    assert rows()[third.pk] == (
        True, held(Document.objects.get(object_id=third.pk).embedding))


# --- While the task worker is busy or down ---------------------------------------------------


# The dummy backend queues tasks and never runs them: a worker that is down or far behind
# (django_tasks forgets its backends when the setting changes).
def test_nothing_is_found_as_it_was_once_archived_deleted_or_edited_even_with_the_worker_down(
        practitioner, curator, member, django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=True):
        entry = entry_create(by=practitioner, data=beekeeping())
        entry_publish(entry=entry, by=curator)
        other = EntryFactory(title="Rooftop solar panels on council offices")
        edited = EntryFactory(title="Rooftop gardens for the Hartley redundancies")
    for pk in (entry.pk, other.pk, edited.pk):
        assert pk in found("rooftop council offices")

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        entry_archive(entry=entry, by=curator)
    with django_capture_on_commit_callbacks(execute=True):
        other.delete()
    with django_capture_on_commit_callbacks(execute=True):
        entry_update(entry=edited, by=curator, data=EntryData(values={
            "title": "Rooftop gardens on council offices"}))

    for method in ("hybrid", "lexical", "semantic"):
        for user in (VISITOR, member):
            hits = selectors.search("rooftop council offices hartley redundancies", user=user,
                                    method=method).hits
            assert entry.pk not in [hit.document.object_id for hit in hits], (method, user)
            assert other.pk not in [hit.document.object_id for hit in hits], (method, user)
            assert all("Hartley" not in hit.document.title for hit in hits), (method, user)
    assert Document.objects.get(object_id=edited.pk).title == "Rooftop gardens on council offices"
    assert found("gardens", method="lexical") == [edited.pk]
    # Only the embedding waits for the worker: the edited text still has its old vector.
    document = Document.objects.get(object_id=edited.pk)
    assert document.embedding and document.text_hash != ""


def test_a_new_draft_is_found_by_its_words_before_the_worker_embeds_it(
        practitioner, django_capture_on_commit_callbacks, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        entry = entry_create(by=practitioner, data=beekeeping())
    document = Document.objects.get(object_id=entry.pk)
    assert document.embedding is None and document.published is False
    assert found("beekeeping", user=practitioner, method="lexical") == [entry.pk]
    assert found("beekeeping", user=practitioner) == [entry.pk]
    assert found("beekeeping") == []

    index_objects("case", [entry.pk])  # what the worker does when it gets there
    assert Document.objects.get(object_id=entry.pk).embedding
