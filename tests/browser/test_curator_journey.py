"""A curator signs in with two-factor authentication, grants a role, adds a partner
organisation (first with a mistake) and checks the audit log. A member uses their account
page. axe-core runs on every page on the way."""

import pytest

from hub.core.testing.cast import PASSWORD, current_totp_code, make_person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


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


def test_a_curator_grants_a_role_adds_a_partner_and_reads_the_audit_log(visit):
    curator = make_person("curator")
    member = make_person("member")
    page = visit.page
    _sign_in(visit, curator, with_code=True)

    visit.goto("/people/")
    page.fill("main input[name=q]", "maya")
    page.locator("main form button[type=submit]").first.click()
    visit.check("people-search")
    page.get_by_role("link", name="Change roles for Maya Member").click()
    visit.check("roles-form")
    page.get_by_label("Reviewer").check()
    page.locator("main form button[type=submit]").first.click()
    visit.check("roles-saved")
    assert "Roles for Maya Member have been saved" in page.inner_text("main")

    visit.goto("/organisations/add/")
    page.get_by_label("Charity").check()
    page.fill("input[name=website]", "not a web address")
    page.locator("main form button[type=submit]").first.click()
    visit.check("partner-errors")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.get_by_label("Charity").is_checked()
    page.fill("input[name=name]", "Good Things Foundation")
    page.fill("input[name=website]", "https://www.goodthingsfoundation.org")
    page.locator("main form button[type=submit]").first.click()
    visit.check("partner-added")
    assert page.locator("h1").inner_text().strip() == "Good Things Foundation"

    visit.goto("/audit/")
    text = page.inner_text("main")
    assert "role.grant" in text and "organisation.create" in text
    page.select_option("select[name=action]", "role.grant")
    page.locator("main form button[type=submit]").first.click()
    visit.check("audit-filtered")
    assert "organisation.create" not in page.inner_text("main table")
    assert member.pk  # the member whose role was granted exists


def test_a_member_makes_an_api_token_and_asks_to_be_a_practitioner(visit):
    member = make_person("member")
    page = visit.page
    _sign_in(visit, member)
    page.fill("input[name=name]", "weekly export")
    page.get_by_role("button", name="Create a token").click()
    visit.check("token-shown")
    token = page.inner_text("#new-token").strip()
    assert token.startswith("hub_")

    visit.goto("/accounts/practitioner/")
    page.locator("main form button[type=submit]").first.click()
    visit.check("practitioner-errors")
    page.fill("input[name=organisation_name]", "Leeds City Council")
    page.fill("textarea[name=role_description]", "I run the council's digital team.")
    page.locator("main form button[type=submit]").first.click()
    visit.check("practitioner-sent")
    assert "a curator will decide soon" in page.inner_text("main")

    visit.goto("/accounts/profile/")
    visit.goto("/accounts/delete/")  # asks to confirm the password first
