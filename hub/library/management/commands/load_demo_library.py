"""Demo content for the learning library (run by `make run` after `load_demo`).

Imports the 149 real cases of data/cases.jsonl, then — as the demo practitioner and curator,
through the same lifecycle services as the pages — adds a few entries in every state that is
not published, and two published collections of real cases. Running it again changes
nothing. The demo entries are made up for the demo (the cases are real); their ids start with
"demo-".
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hub.accounts.models import User
from hub.library.models import Collection, Entry
from hub.library.services import collections, entries
from hub.library.services.importing import ImportFileError, import_cases
from hub.library.taxonomy import ChallengeArea
from hub.search import selectors as search_selectors
from hub.search.models import UnansweredQuery
from hub.search.services import batch as search_batch
from hub.search.services import record_unanswered

PRACTITIONER = "practitioner@demo.gov.uk"
CURATOR = "curator@demo.gov.uk"

# source id → (state, entry values); the practitioner works for the DWP in the demo.
DEMO_ENTRIES = {
    "demo-draft-work-coach-notes": ("draft", {
        "title": "Plain-English notes after work coach appointments",
        "summary": "Work coaches in two Jobcentres are trying a one-page summary, written "
        "with the claimant at the end of each appointment, of what was agreed and what "
        "happens next.",
        "problem": "Claimants told us they left appointments unsure what they had agreed to.",
        "challenge_area": ChallengeArea.WELFARE,
    }),
    "demo-submitted-video-assessments": ("submitted", {
        "title": "Video calls for Access to Work needs assessments",
        "summary": "Assessors offered video calls instead of workplace visits for Access to "
        "Work needs assessments, with a visit kept for people who asked for one.",
        "approach": "People chose video, phone or a visit when booking; assessors shared "
        "their screen to go through equipment options.",
        "challenge_area": ChallengeArea.WELFARE,
    }),
    "demo-review-appointment-texts": ("in-review", {
        "title": "Text reminders the day before Jobcentre appointments",
        "summary": "A Jobcentre sent a text message the afternoon before each first "
        "appointment, with the time, the address and a number to rearrange.",
        "results": "Fewer first appointments were missed in the three months after the "
        "reminders started than in the three months before.",
        "evidence_level": 2,
        "evidence_reason": "Before-and-after comparison of the office's appointment records; "
        "no comparison group.",
        "challenge_area": ChallengeArea.WELFARE,
    }),
    "demo-changes-peer-mentors": ("changes-requested", {
        "title": "Peer mentors for people starting a new job after a long time out of work",
        "summary": "People who had moved into work the year before met new starters in "
        "their first weeks of work, by phone or over coffee.",
        "challenge_area": ChallengeArea.WELFARE,
    }),
    "demo-archived-paper-form": ("archived", {
        "title": "Redesigned paper claim form for people who cannot claim online",
        "summary": "A shorter paper form, tested with claimants and advisers, for people who "
        "could not make a claim online. Replaced since by assisted digital support.",
        "challenge_area": ChallengeArea.WELFARE,
    }),
}
REVIEW_COMMENT = ("Thanks — this is useful. Could you say how many appointments were in each "
                  "three-month period, and whether anything else changed at the office then?")
CHANGES_REQUESTED = ("Please add what happened: how many people had a mentor, and what they "
                     "and their employers said about it. Then submit it again.")

# Questions visitors might ask, run through the real search: those it cannot answer well
# appear on the curators' "questions the hub cannot answer yet" page (with how often).
DEMO_QUESTIONS = [
    ("fixing damp and mould in social housing", 7),
    ("reduce loneliness among older people in rural villages", 5),
    ("predicting which bridges need repair", 3),
    ("water fountains to cut plastic bottles", 2),
    ("stop people missing hospital appointments", 4),  # answered well: never recorded
]

COLLECTIONS = [
    ("Nudges that got people to pay on time",
     "Letters, texts, emails and a stamp that changed when people paid tax or fines. Most were "
     "tested in trials against the usual letter, and they cost little to copy. Check each "
     "case's evidence level before borrowing the idea: several sources describe the trial but "
     "do not give its results.",
     [("c038", "Telling people that most others pay on time brought tax debt payments "
               "forward: the classic trial of letter wording."),
      ("c039", "Saying the campaign was aimed at doctors raised responses more than fivefold."),
      ("c040", "A red 'Pay Now' stamp as a clear call to action on fine enforcement notices."),
      ("c015", "Letters to late payers rewritten with behavioural principles, tested against "
               "the standard letter."),
      ("c032", "Reminders before the VAT deadline, where none had been sent before."),
      ("c022", "Email prompts to file early, sent to more than 11 million taxpayers."),
      ("c021", "A useful counterpoint: information alone did not get firms in arrears to pay.")]),
    ("Ideas councils can borrow",
     "Things councils in the UK and abroad have done that another council could adapt: a new "
     "deal with residents, spending by local anchor institutions, a levy that paid for trams, "
     "new children's social work teams, in-house digital services, and ways for residents to "
     "report problems and decide on budgets.",
     [("c041", "A deal with residents that came with deep budget cuts."),
      ("c068", "Anchor institutions spending more of their budgets locally."),
      ("c067", "A levy on workplace parking that helped pay for trams and buses."),
      ("c143", "Small social work units led by a consultant social worker."),
      ("c013", "A small in-house team building services on a low-code platform."),
      ("c136", "Reporting street problems without knowing which council handles them."),
      ("c132", "Residents proposing and voting on part of the capital budget."),
      ("c024", "Open-source software for participation, free for any council to reuse.")]),
]


class Command(BaseCommand):
    help = ("Load the learning library's demo content: the 149 real cases, demo entries in "
            "every state, two collections. Refuses to run in production.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--not-production", action="store_true",
            help="Run even though DEBUG is off (for a staging copy that is not production).",
        )

    def handle(self, *args, not_production=False, **options):
        if not settings.DEBUG and not not_production:
            raise CommandError("load_demo_library only runs with DEBUG=true (or "
                               "--not-production on a staging copy).")
        cases = Path(settings.HUB_DATA_DIR) / "cases.jsonl"
        try:
            report = import_cases(content=cases.read_bytes(), filename=cases.name)
        except (OSError, ImportFileError) as error:
            raise CommandError(f"{cases}: {error}") from None
        counts = ", ".join(f"{count} {name}" for name, count in report.counts().items())
        self.stdout.write(f"Real cases from {cases.name}: {counts}.")

        practitioner = User.objects.filter(email=PRACTITIONER).first()
        curator = User.objects.filter(email=CURATOR).first()
        if practitioner is None or curator is None:
            raise CommandError("The demo entries belong to the demo people: run "
                               "`manage.py load_demo` first.")
        with search_batch():  # searchable as soon as the command returns
            created = self._entries(practitioner, curator)
        made = self._collections(curator)
        recorded = self._questions()
        self.stdout.write(self.style.SUCCESS(
            f"Demo entries: {created} created; collections: {made} created "
            f"({len(DEMO_ENTRIES) - created} entries and {len(COLLECTIONS) - made} collections "
            "were already there); "
            f"{recorded} questions the hub cannot answer yet."
        ))

    def _questions(self) -> int:
        recorded = 0
        for question, times in DEMO_QUESTIONS:
            results = search_selectors.search(question, user=None)
            if not results.poor or UnansweredQuery.objects.filter(text=question).exists():
                continue
            recorded += 1
            for _ in range(times):
                record_unanswered(question, results=results.count,
                                  best_score=results.best_score)
        return recorded

    @transaction.atomic
    def _entries(self, practitioner, curator) -> int:
        existing = set(Entry.objects.filter(source_id__in=DEMO_ENTRIES)
                       .values_list("source_id", flat=True))
        created = 0
        for source_id, (state, values) in DEMO_ENTRIES.items():
            if source_id in existing:
                continue
            entry = entries.entry_create(by=practitioner, source_id=source_id,
                                         data=entries.EntryData(values=values))
            created += 1
            if state == "draft":
                continue
            entries.entry_submit(entry=entry, by=practitioner)
            if state == "in-review":
                entries.entry_start_review(entry=entry, by=curator)
                entries.entry_comment(entry=entry, by=curator, body=REVIEW_COMMENT)
            elif state == "changes-requested":
                entries.entry_request_changes(entry=entry, by=curator, message=CHANGES_REQUESTED)
            elif state == "archived":
                entries.entry_publish(entry=entry, by=curator)
                entries.entry_archive(entry=entry, by=curator)
        return created

    @transaction.atomic
    def _collections(self, curator) -> int:
        made = 0
        for title, introduction, items in COLLECTIONS:
            if Collection.objects.filter(title=title).exists():
                continue
            collection = collections.collection_create(by=curator, title=title,
                                                       introduction=introduction)
            by_id = Entry.objects.published().in_bulk([source_id for source_id, _ in items],
                                                      field_name="source_id")
            for source_id, note in items:
                if source_id in by_id:
                    collections.collection_add_entry(collection=collection, by=curator,
                                                     entry=by_id[source_id], note=note)
            collections.collection_publish(collection=collection, by=curator)
            made += 1
        return made
