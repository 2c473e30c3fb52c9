"""A newcomer signs up, verifies their email address, signs in and finds an organisation.
axe-core runs on every page on the way."""

import re

import pytest

from hub.core.roles import role_names

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_public_servant_signs_up_verifies_signs_in_and_searches_the_directory(
    visit, mailoutbox, settings
):
    from django.core.management import call_command

    call_command("load_public_bodies", verbosity=0)
    page = visit.page

    visit.goto("/")
    visit.goto("/organisations/")

    visit.goto("/accounts/signup/")
    page.fill("input[name=email]", "nadia.civil@cabinetoffice.gov.uk")
    page.fill("input[name=password1]", "a-long-and-unusual-passphrase")
    page.fill("input[name=password2]", "a-long-and-unusual-passphrase-typo")
    page.locator("main form button[type=submit]").first.click()
    visit.check("signup-error")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.input_value("input[name=email]") == "nadia.civil@cabinetoffice.gov.uk"

    page.fill("input[name=password1]", "a-long-and-unusual-passphrase")
    page.fill("input[name=password2]", "a-long-and-unusual-passphrase")
    page.locator("main form button[type=submit]").first.click()
    visit.check("verification-sent")

    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
    page.goto(link)
    visit.check("confirm-email")
    page.locator("main form button[type=submit]").first.click()
    visit.check("after-confirm")

    visit.goto("/accounts/login/")
    page.fill("input[name=login]", "nadia.civil@cabinetoffice.gov.uk")
    page.fill("input[name=password]", "a-long-and-unusual-passphrase")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/accounts/")
    visit.check("account")
    assert "Practitioner" in page.inner_text("main")

    from hub.accounts.models import User

    nadia = User.objects.get(email="nadia.civil@cabinetoffice.gov.uk")
    assert "practitioner" in role_names(nadia)

    visit.goto("/organisations/")
    page.fill("main input[name=q]", "HMRC")
    page.locator("main form button[type=submit]").first.click()
    visit.check("search-hmrc")
    first = page.locator("main table tbody tr, main .hub-result").first
    assert "HM Revenue & Customs" in first.inner_text()
    page.get_by_role("link", name="HM Revenue & Customs").first.click()
    visit.check("hmrc")
    assert page.locator("h1").inner_text().strip() == "HM Revenue & Customs"

    # The one search box in the header finds the body by name too, first, beside the cases.
    page.fill("#header-search", "HM Revenue and Customs")
    page.locator("header").get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=*")
    visit.check("header-search-hmrc")
    first = page.locator("main .hub-search-results li").first
    assert "HM Revenue & Customs" in first.inner_text()
    assert "Organisation" in first.inner_text()
