from ninja import NinjaAPI

from hub.api import errors
from hub.api.accounts import router as accounts_router
from hub.api.auth import public, visitor
from hub.api.library import router as library_router
from hub.api.organisations import router as organisations_router
from hub.api.search import router as search_router


class HubAPI(NinjaAPI):
    """The hub's API. Its OpenAPI description marks endpoints that visitors may call without
    credentials with an empty security requirement, as OpenAPI 3.1 expects."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        open_to_visitors = {
            operation.operation_id or self.get_openapi_operation_id(operation)
            for bound_router in self._get_bound_routers()
            for path_view in bound_router.path_operations.values()
            for operation in path_view.operations
            if visitor in (operation.auth_callbacks or [])
        }
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                if operation.get("operationId") in open_to_visitors:
                    operation.setdefault("security", []).append({})
        return schema


api = HubAPI(
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
api.add_router("/cases", library_router, tags=["library"])
api.add_router("/search", search_router, tags=["search"])
