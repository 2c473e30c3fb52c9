from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "hub.directory"
    label = "directory"
    verbose_name = "Directory of organisations"

    def ready(self) -> None:
        from hub.directory import permissions  # noqa: F401 - registers the rules
        from hub.directory.search import KIND
        from hub.search import registry

        registry.register(KIND)
