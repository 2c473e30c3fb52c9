from django.conf import settings
from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PaginationBase


class LimitOffset(PaginationBase):
    """``?limit=&offset=`` paging. Responses carry ``count`` (all matches) and ``results``."""

    class Input(Schema):
        limit: int = Field(
            settings.HUB_API_PAGE_SIZE,
            ge=1,
            le=settings.HUB_API_MAX_PAGE_SIZE,
            description="How many results to return",
        )
        offset: int = Field(0, ge=0, le=1_000_000_000, description="How many results to skip")

    class Output(Schema):
        count: int
        results: list

    items_attribute = "results"

    def paginate_queryset(self, queryset: QuerySet, pagination: Input, **params):
        offset, limit = pagination.offset, pagination.limit
        return {"count": queryset.count(), "results": list(queryset[offset : offset + limit])}
