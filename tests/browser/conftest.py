"""Real-browser tests: Playwright drives Debian's Chromium against a live Django server, and
axe-core checks every page visited against WCAG 2.2 AA.

Without /usr/bin/chromium these tests are skipped locally with a printed reason; under
CI=true they fail instead, so CI can never pass without them.
"""

import json
import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("HUB_CHROMIUM", "/usr/bin/chromium"))
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "frontend" / "axe.min.js"
ARTEFACTS = ROOT / "tests" / "browser" / "artefacts"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]

# Playwright's sync API runs an event loop in this thread; the test's own database calls are
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} is missing (apt-get install chromium)")
    if not AXE.exists():
        missing.append(f"{AXE} is missing (build the front end: make setup)")
    if not missing:
        return
    reason = "browser tests need " + " and ".join(missing)
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"CI=true: {reason}")
    print(f"\nSkipping browser tests: {reason}")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


class Visit:
    """A browser tab that checks each page it lands on with axe-core and saves a
    screenshot of it under tests/browser/artefacts/."""

    def __init__(self, page, base_url: str, test_name: str):
        self.page = page
        self.base_url = base_url
        self.test_name = re.sub(r"[^a-z0-9_]+", "_", test_name.lower())
        self.count = 0
        self.checked: list[str] = []

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status < 400, f"{path}: {response.status}"
        self.check()
        return response

    def check(self, label: str = ""):
        """Run axe-core on the page as it is now; fail on any violation."""
        self.page.wait_for_load_state("load")
        self.count += 1
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        name = f"{self.test_name}-{self.count:02d}{('-' + label) if label else ''}.png"
        self.page.screenshot(path=str(ARTEFACTS / name), full_page=True)
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        violations = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [node["target"] for node in v["nodes"]][:5],
            }
            for v in result["violations"]
        ]
        self.checked.append(self.page.url)
        assert violations == [], (
            f"axe-core found violations on {self.page.url}:\n{json.dumps(violations, indent=2)}"
        )


@pytest.fixture(autouse=True)
def _seeded(transactional_db):
    """Browser tests run in real transactions and the database is emptied after each; put
    back the roles and allow-list that the migrations seed."""
    from django.contrib.auth.models import Group

    from hub.accounts.models import PractitionerDomain
    from hub.accounts.seeds import seed_roles_and_domains

    seed_roles_and_domains(group_model=Group, domain_model=PractitionerDomain)


@pytest.fixture
def visit(browser, live_server, request):
    # bypass_csp lets the test inject axe-core; the pages themselves run under the real CSP
    # in every other test.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield Visit(page, live_server.url, request.node.name)
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"
