from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "hub.library"
    label = "library"
    verbose_name = "Learning library"

    def ready(self) -> None:
        from hub.core import personal_data, sections
        from hub.library import permissions, selectors  # noqa: F401 - registers the rules
        from hub.library.search import KIND
        from hub.library.services import follows
        from hub.search import registry

        personal_data.register(name="library", export=follows.follows_export,
                               erase=follows.follows_erase)
        sections.register(model="directory.organisation", order=10,
                          template="library/_organisation_entries.html",
                          context=selectors.organisation_section)
        registry.register(KIND)
