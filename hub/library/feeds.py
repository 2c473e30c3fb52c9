"""Atom feeds of published entries: everything, per challenge area, per tag and per published
collection. Newest 50, published entries only, whoever asks.

Pages can advertise them with ``alternate_feeds()`` in their context and, in the template's
``head`` block::

    {% for feed in feeds %}<link rel="alternate" type="application/atom+xml"
      title="{{ feed.title }}" href="{{ feed.href }}">{% endfor %}
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode

from hub.library import selectors
from hub.library.models import Collection, Entry, Tag
from hub.library.taxonomy import ChallengeArea

FEED_SIZE = 50


class PlainTextAtom1Feed(Atom1Feed):
    """Atom with the summary marked as plain text: entry summaries are not HTML, so a "<" in
    one must not be read as markup by feed readers."""

    def add_item_elements(self, handler, item):
        summary = item.get("description")
        super().add_item_elements(handler, {**item, "description": None})
        if summary:
            handler.addQuickElement("summary", summary, {"type": "text"})


class EntriesFeed(Feed):
    """Every published entry."""

    feed_type = PlainTextAtom1Feed

    def service_name(self) -> str:
        return getattr(settings, "HUB_SERVICE_NAME", "Innovation Hub")

    def title(self, obj=None) -> str:
        return f"{self.service_name()}: new in the learning library"

    def subtitle(self, obj=None) -> str:
        return ("Case studies, methods and international interventions newly published in the "
                "learning library.")

    def link(self, obj=None) -> str:
        return reverse("library:entries")

    def feed_url(self, obj=None) -> str:
        return reverse("library:feed_entries")

    def author_name(self, obj=None) -> str:
        return self.service_name()

    def entries(self, obj=None):
        return Entry.objects.published()

    def items(self, obj=None):
        return list(
            self.entries(obj).for_lists().order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, entry: Entry) -> str:
        return entry.title

    def item_link(self, entry: Entry) -> str:
        return entry.get_absolute_url()

    def item_description(self, entry: Entry) -> str:
        return entry.summary

    def item_pubdate(self, entry: Entry):
        return entry.published_at

    def item_updateddate(self, entry: Entry):
        return max(filter(None, [entry.updated_at, entry.published_at]))

    def item_categories(self, entry: Entry) -> list[str]:
        return [entry.get_challenge_area_display(), *(tag.name for tag in entry.tags.all())]

    def item_author_name(self, entry: Entry) -> str:
        if entry.author_id:
            return entry.author.public_name
        names = [organisation.name for organisation in entry.organisations.all()]
        return "; ".join(names or entry.organisation_names) or self.service_name()


class AreaFeed(EntriesFeed):
    """Published entries in one challenge area."""

    def get_object(self, request, area: str) -> ChallengeArea:
        if area not in ChallengeArea.values:
            raise Http404("No such challenge area")
        return ChallengeArea(area)

    def title(self, obj) -> str:
        return f"{self.service_name()}: new in {obj.label}"

    def subtitle(self, obj) -> str:
        return f"Entries newly published in the learning library on {obj.label.lower()}."

    def link(self, obj) -> str:
        return reverse("library:entries") + "?" + urlencode({"area": obj.value})

    def feed_url(self, obj) -> str:
        return reverse("library:feed_area", kwargs={"area": obj.value})

    def entries(self, obj):
        return Entry.objects.published().filter(challenge_area=obj.value)


class TagFeed(EntriesFeed):
    """Published entries with one tag."""

    def get_object(self, request, slug: str) -> Tag:
        return selectors.get_public_tag(slug=slug)

    def title(self, obj) -> str:
        return f"{self.service_name()}: new on “{obj.name}”"

    def subtitle(self, obj) -> str:
        return f"Entries tagged “{obj.name}” newly published in the learning library."

    def link(self, obj) -> str:
        return reverse("library:entries") + "?" + urlencode({"tag": obj.slug})

    def feed_url(self, obj) -> str:
        return reverse("library:feed_tag", kwargs={"slug": obj.slug})

    def entries(self, obj):
        return Entry.objects.published().filter(tags=obj)


class CollectionFeed(EntriesFeed):
    """The published entries of one published collection."""

    def get_object(self, request, slug: str) -> Collection:
        return get_object_or_404(Collection, slug=slug, status=Collection.Status.PUBLISHED)

    def title(self, obj) -> str:
        return f"{self.service_name()}: {obj.title}"

    def subtitle(self, obj) -> str:
        return f"Entries in the collection “{obj.title}”."

    def link(self, obj) -> str:
        return obj.get_absolute_url()

    def feed_url(self, obj) -> str:
        return reverse("library:feed_collection", kwargs={"slug": obj.slug})

    def entries(self, obj):
        return Entry.objects.published().filter(collections=obj).distinct()


def alternate_feeds(*, challenge_area: str = "", tag: Tag | None = None,
                    collection: Collection | None = None) -> list[dict]:
    """The feeds a page can point to with ``<link rel="alternate">``, most specific first."""
    feeds = []
    if collection is not None and collection.status == Collection.Status.PUBLISHED:
        feeds.append({"title": f"Atom feed: {collection.title}",
                      "href": reverse("library:feed_collection", kwargs={"slug": collection.slug})})
    if tag is not None:
        feeds.append({"title": f"Atom feed: entries tagged “{tag.name}”",
                      "href": reverse("library:feed_tag", kwargs={"slug": tag.slug})})
    if challenge_area and challenge_area in ChallengeArea.values:
        area = ChallengeArea(challenge_area)
        feeds.append({"title": f"Atom feed: {area.label}",
                      "href": reverse("library:feed_area", kwargs={"area": area.value})})
    feeds.append({"title": "Atom feed: all new library entries",
                  "href": reverse("library:feed_entries")})
    return feeds


urlpatterns = [
    path("feeds/entries.atom", EntriesFeed(), name="feed_entries"),
    path("feeds/areas/<slug:area>.atom", AreaFeed(), name="feed_area"),
    path("feeds/tags/<slug:slug>.atom", TagFeed(), name="feed_tag"),
    path("feeds/collections/<slug:slug>.atom", CollectionFeed(), name="feed_collection"),
]
