from ninja import Router, Schema

from hub.api.auth import members
from hub.api.errors import ErrorOut
from hub.core.roles import role_names

router = Router()


class Me(Schema):
    email: str
    display_name: str
    roles: list[str]


@router.get(
    "",
    response={200: Me, 401: ErrorOut},
    auth=members,
    summary="Who the token or session belongs to",
)
def me(request):
    """The signed-in person: use it to check that a token works. 401 without credentials."""
    user = request.auth
    return {
        "email": user.email,
        "display_name": user.public_name,
        "roles": ["member", *sorted(role_names(user))],
    }
