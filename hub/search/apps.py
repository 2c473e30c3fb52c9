from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "hub.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from hub.search import permissions  # noqa: F401 - registers the rules
