"""An entry's history page: every version, who saved it and when, and what changed."""

import pytest
from django.urls import reverse
from django.utils.timezone import localtime

from hub.library.history import word_diff
from hub.library.models import Entry

pytestmark = pytest.mark.django_db

NEW = reverse("library:entry_create")
BASE = {"kind": "case-study", "title": "Benches at bus stops", "challenge_area": "transport",
        "summary": "The council put a bench at every bus stop in the town.", "action": "save"}


def test_the_history_shows_who_changed_what_and_when(signed_in, practitioner, curator):
    client = signed_in(practitioner)
    client.post(NEW, {**BASE, "evidence_level": "1"})
    entry = Entry.objects.get()
    client.post(reverse("library:entry_edit", args=[entry.slug]), {
        **BASE, "summary": "The council put a bench at every bus stop in the old town.",
        "evidence_level": "2", "tags": "ageing", "countries": "Ireland", "action": "submit",
    })
    entry.refresh_from_db()
    signed_in(curator).post(reverse("library:entry_publish", args=[entry.slug]))

    response = signed_in(practitioner).get(reverse("library:entry_history", args=[entry.slug]))
    body = response.content.decode()
    versions = response.context["versions"]
    assert [version["what"] for version in versions] == [
        "Published", "Submitted for review", "Edited", "Created"]
    assert [version["who"] for version in versions] == [
        "Cara Curator", "Priya Practitioner", "Priya Practitioner", "Priya Practitioner"]
    edited = versions[2]
    labels = {change["label"]: change for change in edited["changes"]}
    assert set(labels) == {"Summary", "Evidence level", "Countries"}
    assert (labels["Countries"]["old"], labels["Countries"]["new"]) == ("", "Ireland")
    assert labels["Evidence level"]["old"].startswith("Level 1")
    assert labels["Evidence level"]["new"].startswith("Level 2")
    assert "added: </span>old" in str(labels["Summary"]["diff"])
    assert "hub-diff__del" not in str(labels["Summary"]["diff"])
    assert "Draft" in body and "Published" in body and "Submitted" in body
    assert "The entry was created with the title “Benches at bus stops”" in body
    assert versions[0]["changes"][0]["label"] == "Status"
    when = localtime(versions[0]["record"].history_date)
    assert f"{when:%-d %B %Y}" in body


def test_the_word_diff_marks_removed_and_added_words_and_escapes_them():
    html = str(word_diff("Cut <b>costs</b> by half", "Cut <b>costs</b> by a third"))
    assert "&lt;b&gt;costs&lt;/b&gt;" in html and "<b>" not in html
    assert ('<del class="hub-diff__del"><span class="govuk-visually-hidden">removed: </span>'
            "half</del>") in html
    assert ('<ins class="hub-diff__ins"><span class="govuk-visually-hidden">added: </span>'
            "a third</ins>") in html


def test_the_history_pages_20_versions_at_a_time(signed_in, practitioner):
    client = signed_in(practitioner)
    client.post(NEW, BASE)
    entry = Entry.objects.get()
    for number in range(24):
        client.post(reverse("library:entry_edit", args=[entry.slug]),
                    {**BASE, "title": f"Benches, version {number}"})
    url = reverse("library:entry_history", args=[entry.slug])
    first = client.get(url)
    assert len(first.context["versions"]) == 20
    second = client.get(url, {"page": 2})
    versions = second.context["versions"]
    assert len(versions) == 5 and versions[-1]["first"]
    # The oldest version on page 1 is still compared with the newest on page 2.
    assert first.context["versions"][-1]["changes"][0]["label"] == "Title"
