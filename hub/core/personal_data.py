"""What each app holds about a person, for "download my data" and "delete my account".

Apps register here (in their ``AppConfig.ready``) instead of the accounts app importing them,
so dependencies keep pointing one way. ``export`` returns JSON-ready data; ``erase`` removes
the person's own data (not their contributions, which stay as by a "former member")."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonalData:
    name: str
    export: Callable[[Any], Any]
    erase: Callable[[Any], None]


_registry: dict[str, PersonalData] = {}


def register(*, name: str, export: Callable[[Any], Any], erase: Callable[[Any], None]) -> None:
    _registry[name] = PersonalData(name=name, export=export, erase=erase)


def export_all(user) -> dict[str, Any]:
    return {name: item.export(user) for name, item in sorted(_registry.items())}


def erase_all(user) -> None:
    for item in _registry.values():
        item.erase(user)
