"""Stable, unique URL slugs for organisations."""

from django.utils.text import slugify

# Words that are paths under /organisations/ and so can never be an organisation's slug.
RESERVED_SLUGS = {"add"}


def free_slug(*, preferred: str, code: str, taken: set[str]) -> str:
    """A slug nobody has yet: the preferred one, else with the body's code added, else with a
    number. Slugs are only chosen when a body is created, so a later load never renames."""
    base = slugify(preferred)[:100].strip("-") or "organisation"
    candidates = [base]
    if code:
        candidates.append(f"{base}-{slugify(code)}"[:115].strip("-"))
    for candidate in candidates:
        if candidate not in taken and candidate not in RESERVED_SLUGS:
            return candidate
    number = 2
    while f"{candidates[-1]}-{number}" in taken:
        number += 1
    return f"{candidates[-1]}-{number}"


# --- Loading the public registers ---------------------------------------------------------
