from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "hub.library"
    label = "library"
    verbose_name = "Learning library"

    def ready(self) -> None:
        from hub.core import personal_data
        from hub.library import permissions  # noqa: F401 - registers the rules
        from hub.library.services import follows

        personal_data.register(name="library", export=follows.follows_export,
                               erase=follows.follows_erase)
