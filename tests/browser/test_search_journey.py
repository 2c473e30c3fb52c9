"""Search in a real browser, on the 149 real cases: a visitor asks the header's search box a
question in their own words, narrows the results by country and opens the best one, whose
page lists similar entries, then keeps only the results from the region a question names; a
practitioner writing a new entry sees the closest existing ones
(live with JavaScript, and through the "Check for similar entries" button without it); a
curator reads the questions the hub could not answer. axe-core checks every page."""

from pathlib import Path

import pytest
from django.core.management import call_command

from hub.core.testing.cast import make_person
from tests.browser.conftest import ARTEFACTS
from tests.browser.test_library_journey import _sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

CASES = Path(__file__).resolve().parents[2] / "data" / "cases.jsonl"
QUESTION = "stop people missing hospital appointments"
BEST = "Stating the cost of missed appointments in SMS reminders"
NONSENSE = "zzqxv florp wibble"


@pytest.fixture
def real_cases(transactional_db):
    call_command("import_cases", str(CASES), verbosity=0)


def test_a_question_in_plain_words_finds_the_real_case(visit, real_cases):
    page = visit.page
    visit.goto("/")
    page.fill("#header-search", QUESTION)
    page.locator("header").get_by_role("button", name="Search").click()
    visit.check("results")
    results = page.locator(".hub-search-result h2")
    assert results.first.inner_text().strip() == BEST
    assert "<mark>" in page.locator(".hub-search-result").first.inner_html()

    # Narrow to the United Kingdom: every result left is British.
    page.get_by_label("United Kingdom").check()
    page.get_by_role("button", name="Apply filters").click()
    visit.check("results-uk")
    assert page.get_by_label("United Kingdom").is_checked()
    for caption in page.locator(".hub-search-result .hub-meta").all_inner_texts():
        assert "United Kingdom" in caption

    page.get_by_role("link", name=BEST).click()
    visit.check("entry")
    similar = page.locator("h2", has_text="Similar entries")
    assert similar.is_visible()

    # A question that names a region offers to keep only the results from there.
    visit.goto("/search/?q=e-government+in+the+Baltic+states")
    offer = page.locator("#only-there a")
    assert "Estonia" in offer.inner_text()
    offer.click()
    visit.check("results-baltic")
    captions = page.locator(".hub-search-result .hub-meta").all_inner_texts()
    assert captions and all(any(name in caption for name in ("Estonia", "Latvia", "Lithuania"))
                            for caption in captions)

    # Nothing answers nonsense: the page says so and offers help.
    visit.goto(f"/search/?q={NONSENSE.replace(' ', '+')}")
    text = page.inner_text("main")
    assert "Nothing in the hub answers this" in text


def _write_entry(page, base_url):
    page.goto(base_url + "/library/entries/new/")
    page.fill("input[name=title]", "Text message reminders before outpatient appointments")
    page.fill("textarea[name=summary]", "Our hospital trust will text patients a reminder "
                                        "saying what a missed appointment costs the NHS.")


def test_prior_art_shows_while_writing_with_and_without_javascript(visit, browser, live_server,
                                                                   real_cases):
    practitioner = make_person("practitioner")
    _sign_in(visit, practitioner)
    _write_entry(visit.page, visit.base_url)
    panel = visit.page.locator("#prior-art")
    panel.get_by_text("Similar entries already in the hub").wait_for(timeout=15000)
    visit.check("prior-art-live")
    assert BEST in panel.inner_text()
    # Too little left to compare: the list goes, rather than answer words no longer there.
    visit.page.fill("input[name=title]", "Text")
    visit.page.fill("textarea[name=summary]", "")
    panel.get_by_text("Similar entries already in the hub").wait_for(state="detached",
                                                                     timeout=15000)

    # Without JavaScript (same session; axe-core needs JavaScript, and this page was checked
    # above): the button sends the form back with the panel, keeping what was typed.
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 1280, "height": 900})
    context.add_cookies(visit.page.context.cookies())
    try:
        page = context.new_page()
        _write_entry(page, live_server.url)
        page.get_by_role("button", name="Check for similar entries").click()
        page.wait_for_load_state("load")
        page.screenshot(path=str(ARTEFACTS / "prior-art-without-javascript.png"), full_page=True)
        assert BEST in page.inner_text("#prior-art")
        assert page.input_value("input[name=title]").startswith("Text message reminders")
        assert page.locator(".govuk-error-summary").count() == 0
        assert "saved" not in page.inner_text("main")
    finally:
        context.close()


def test_the_entry_being_edited_is_never_shown_as_like_itself(visit, real_cases):
    from hub.library.models import Status
    from hub.library.tests.factories import EntryFactory
    from hub.search.services import index_objects

    practitioner = make_person("practitioner")
    draft = EntryFactory(author=practitioner, status=Status.DRAFT,
                         title="Text message reminders before outpatient appointments",
                         summary="Our hospital trust will text patients a reminder.")
    index_objects("case", [draft.pk])
    _sign_in(visit, practitioner)
    visit.goto(f"/library/entries/{draft.slug}/edit/")
    page = visit.page
    page.fill("textarea[name=summary]", "Our hospital trust will text patients a reminder "
                                        "saying what a missed appointment costs the NHS.")
    panel = page.locator("#prior-art")
    panel.get_by_text(BEST).wait_for(timeout=15000)
    assert draft.title not in panel.inner_text()


def test_curators_see_the_questions_the_hub_cannot_answer(visit, real_cases):
    visit.goto(f"/search/?q={NONSENSE.replace(' ', '+')}")
    curator = make_person("curator")
    _sign_in(visit, curator, with_code=True)
    visit.goto("/search/unanswered/")
    row = visit.page.locator("tr", has_text=NONSENSE)
    assert row.count() == 1
    row.get_by_role("button", name="Dismiss").click()
    visit.check("dismissed")
    assert "is now marked dismissed" in visit.page.inner_text("main")
    assert visit.page.locator("tr", has_text=NONSENSE).count() == 0
