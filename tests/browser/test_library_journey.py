"""A practitioner writes a case study (first with a mistake) and submits it; a curator, signed
in with two-factor authentication, asks for a change; the practitioner reads the comment,
fixes the entry and resubmits it; the curator publishes it; a visitor finds it by searching
and opens it. Each person has their own browser; axe-core runs on every page on the way."""

import pytest

from hub.core.testing.cast import PASSWORD, current_totp_code, make_person
from tests.browser.conftest import Visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

TITLE = "Benches at bus stops keep older people travelling"


@pytest.fixture
def another_visit(browser, live_server, request):
    """A second, separate browser (its own cookies), as another person."""
    contexts = []

    def open_visit(label: str) -> Visit:
        context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return Visit(context.new_page(), live_server.url, f"{request.node.name}-{label}")

    yield open_visit
    for context in contexts:
        context.close()


def _sign_in(visit, user, *, with_code: bool = False):
    page = visit.page
    visit.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    if with_code:
        visit.check("two-factor-code")
        page.fill("input[name=code]", current_totp_code(user))
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/accounts/")
    visit.check("account")


def test_an_entry_is_written_reviewed_changed_published_and_found(visit, another_visit):
    practitioner = make_person("practitioner")
    curator = make_person("curator")

    # The practitioner writes the entry, forgetting the summary at first.
    author = visit
    page = author.page
    _sign_in(author, practitioner)
    author.goto("/library/")
    page.get_by_role("link", name="Add an entry").first.click()
    author.check("new-entry")
    page.get_by_label("Case study").check()
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=challenge_area]", "transport")
    page.fill("textarea[name=organisation_names]", "Somewhere Borough Council")
    page.fill("input[name=start_year]", "2022")
    page.get_by_label("Level 2: data shows change").check()
    page.get_by_role("button", name="Save and submit for review").click()
    author.check("entry-errors")
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Enter a summary" in page.inner_text(".govuk-error-summary")
    assert page.input_value("input[name=title]") == TITLE
    assert page.get_by_label("Level 2: data shows change").is_checked()
    page.fill("textarea[name=summary]", "The council put a bench at every bus stop on routes "
                                        "used by older people.")
    page.get_by_role("button", name="Save and submit for review").click()
    author.check("entry-submitted")
    assert "sent to the curators for review" in page.inner_text("main")
    assert "waiting for a curator" in page.inner_text("main")
    entry_path = page.url.removeprefix(author.base_url)
    author.goto("/library/mine/")
    assert TITLE in page.inner_text("main table")

    # The curator takes it into review and asks for a change.
    reviewer = another_visit("curator")
    _sign_in(reviewer, curator, with_code=True)
    reviewer.goto("/library/review/")
    reviewer.page.get_by_role("link", name=TITLE).click()
    reviewer.check("entry-for-review")
    reviewer.page.get_by_role("button", name="Take into review").click()
    reviewer.check("in-review")
    reviewer.page.get_by_role("button", name="Request changes").click()
    reviewer.check("request-needs-a-message")
    assert "Say what the author needs to change" in reviewer.page.inner_text(
        ".govuk-error-summary")
    reviewer.page.fill("textarea[name=message]", "Please add the results: how many more "
                                                 "journeys did older people make?")
    reviewer.page.get_by_role("button", name="Request changes").click()
    reviewer.check("changes-requested")
    assert "sent back to its author" in reviewer.page.inner_text("main")

    # The practitioner reads the comment, fixes the entry and resubmits it.
    author.goto(entry_path)
    text = page.inner_text("main")
    assert "A curator has asked for changes" in text
    assert "how many more journeys did older people make?" in text
    page.get_by_role("link", name="Make the changes").click()
    author.check("edit-entry")
    page.fill("textarea[name=results]", "Bus journeys by people over 70 rose by 12% in a year.")
    page.get_by_role("button", name="Save and resubmit for review").click()
    author.check("resubmitted")
    assert "sent to the curators for review" in page.inner_text("main")
    author.goto(entry_path.rstrip("/") + "/history/")
    assert "Sent back for changes" in page.inner_text("main")

    # The curator publishes it.
    reviewer.goto(entry_path)
    reviewer.page.get_by_role("button", name="Publish").click()
    reviewer.check("published")
    assert "has been published" in reviewer.page.inner_text("main")

    # A visitor, in a browser of their own, finds it and opens it.
    visitor = another_visit("visitor")
    visitor.goto("/library/")
    visitor.page.fill("main input[name=q]", "benches older")
    visitor.page.locator("main").get_by_role("button", name="Search").click()
    visitor.check("search-results")
    # The library's box searches the hub by meaning: the new entry is the best answer.
    assert visitor.page.url.split("?")[0].endswith("/search/")
    assert visitor.page.locator(".hub-search-result h2 a").first.inner_text() == TITLE
    visitor.page.get_by_role("link", name=TITLE).click()
    visitor.check("entry")
    assert visitor.page.locator("h1").inner_text().strip() == TITLE
    assert "Bus journeys by people over 70 rose by 12%" in visitor.page.inner_text("main")
    assert "Somewhere Borough Council" in visitor.page.inner_text("main")
    assert visitor.page.locator('script[type="application/ld+json"]').count() == 1
    visitor.page.get_by_role("link", name="Printable version").click()
    visitor.check("printable")
    visitor.goto("/library/entries/?area=transport&sort=title")
