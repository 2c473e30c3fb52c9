"""Markdown written by people, rendered to safe HTML: markdown-it-py (CommonMark, raw HTML
off) then nh3 (an allow-list sanitiser), so nothing a user types can run in a browser."""

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable(["table", "strikethrough"])

_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre",
         "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "hr", "s"}
_ATTRIBUTES = {"a": {"href", "title"}}
# GOV.UK classes for the elements people write, so rendered text looks like the rest.
_CLASSES = {
    "<p>": '<p class="govuk-body">',
    "<ul>": '<ul class="govuk-list govuk-list--bullet">',
    "<ol>": '<ol class="govuk-list govuk-list--number">',
    "<h2>": '<h2 class="govuk-heading-m">',
    "<h3>": '<h3 class="govuk-heading-s">',
    "<h4>": '<h4 class="govuk-heading-s">',
    "<a ": '<a class="govuk-link" ',
    "<table>": '<table class="govuk-table">',
}


def render_markdown(text: str) -> str:
    if not text:
        return ""
    html = nh3.clean(
        _md.render(text), tags=_TAGS, attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow",
    )
    for plain, styled in _CLASSES.items():
        html = html.replace(plain, styled)
    return html
