"""The library's pages, gathered from the view modules (each module lists its own URLs)."""

from hub.library import feeds
from hub.library.views import attachments, collections, entries, follows, imports, review

app_name = "library"

urlpatterns = [
    *entries.urlpatterns,
    *review.urlpatterns,
    *collections.urlpatterns,
    *imports.urlpatterns,
    *attachments.urlpatterns,
    *follows.urlpatterns,
    *feeds.urlpatterns,
]
