from django.db.models import Prefetch, Q, QuerySet

from hub.accounts.models import ApiToken, PractitionerRequest, User


def people_list(*, query: str = "", role: str = "") -> QuerySet[User]:
    """People with accounts, for curators: search by name or email, filter by role."""
    people = (
        User.objects.filter(erased_at__isnull=True)
        .select_related("organisation")
        .prefetch_related("groups")
        .order_by("email")
    )
    query = (query or "").strip()
    if query:
        people = people.filter(
            Q(email__icontains=query) | Q(display_name__icontains=query)
            | Q(first_name__icontains=query) | Q(last_name__icontains=query)
        )
    if role:
        people = people.filter(groups__name=role)
    return people


def pending_practitioner_requests() -> QuerySet[PractitionerRequest]:
    return (
        PractitionerRequest.objects.filter(status=PractitionerRequest.Status.PENDING)
        .select_related("user")
        .order_by("created_at")
    )


def account_overview(*, user: User) -> User:
    return (
        User.objects.select_related("organisation")
        .prefetch_related(
            "groups",
            Prefetch("api_tokens", queryset=ApiToken.objects.active().order_by("-created_at"),
                     to_attr="active_tokens"),
        )
        .get(pk=user.pk)
    )
