from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "hub.library"
    label = "library"
    verbose_name = "Learning library"

    def ready(self) -> None:
        from hub.library import permissions  # noqa: F401 - registers the rules
