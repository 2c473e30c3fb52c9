"""Sections that other apps add to a page they do not own.

The organisation page lists the organisation's case studies, later its challenges and
projects; the directory must not import those apps (dependencies point one way). Each app
registers a section for a model in its ``AppConfig.ready``; the page's view asks for the
sections of its object and includes each section's template with its context.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    model: str  # "app_label.modelname"
    order: int
    template: str
    context: Callable[..., dict[str, Any]]  # (obj, user) -> context


_sections: list[Section] = []


def register(*, model: str, order: int, template: str,
             context: Callable[..., dict[str, Any]]) -> None:
    _sections.append(Section(model=model, order=order, template=template, context=context))


def sections_for(obj, *, user) -> list[dict[str, Any]]:
    """``[{"template": …, "context": {…}}]`` for the object's page, in order."""
    label = obj._meta.label_lower
    return [
        {"template": section.template, "context": section.context(obj, user)}
        for section in sorted(_sections, key=lambda section: section.order)
        if section.model == label
    ]
