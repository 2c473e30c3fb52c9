from django import template
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, page_number) -> str:
    """The current URL's query string with ``page`` replaced: keeps filters across pages."""
    request = context["request"]
    params = request.GET.copy()
    params["page"] = page_number
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (``None`` removes one)."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    params.pop("page", None)
    return "?" + urlencode(list(params.lists()), doseq=True)


@register.filter
def field_describedby(field) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def page_range(paginator, page_obj):
    """Page numbers to show, with "…" for gaps: 1 … 4 5 6 … 20."""
    return list(paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1))


@register.filter(name="markdown")
def markdown_filter(text: str):
    """Render user-written Markdown as sanitised GOV.UK-styled HTML."""
    from django.utils.safestring import mark_safe

    from hub.core.markdown import render_markdown

    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3
