import factory

from hub.library.models import Entry, Status
from hub.library.taxonomy import ChallengeArea, EntryKind


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    kind = EntryKind.CASE_STUDY
    title = factory.Sequence(lambda n: f"Text message reminders cut missed appointments {n}")
    slug = factory.Sequence(lambda n: f"entry-{n}")
    source_id = factory.Sequence(lambda n: f"test-{n}")
    summary = "A hospital trust sent reminders by text message two days before appointments."
    results = "Missed appointments fell by a quarter."
    challenge_area = ChallengeArea.HEALTH
    country_text = "United Kingdom"
    countries = ["GB"]
    evidence_level = 3
    status = Status.PUBLISHED
    published_at = factory.Faker("date_time_this_year", tzinfo=__import__("datetime").UTC)
