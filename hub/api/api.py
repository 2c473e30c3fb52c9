from ninja import NinjaAPI

from hub.api import errors
from hub.api.accounts import router as accounts_router
from hub.api.auth import public
from hub.api.organisations import router as organisations_router

api = NinjaAPI(
    title="Innovation Hub API",
    version="1.0.0",
    description=(
        "The JSON API of the Innovation Hub. Everything published can be read without an "
        "account; send `Authorization: Bearer <token>` with a personal token (create one on "
        "your account page) to act as yourself. Errors are JSON: `detail`, and `errors` with "
        "one message per field."
    ),
    auth=public,
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api-1.0.0",
)
errors.install(api)
api.add_router("/me", accounts_router, tags=["accounts"])
api.add_router("/organisations", organisations_router, tags=["organisations"])
