from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hub.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from hub.core import permissions  # noqa: F401 - registers the rules
