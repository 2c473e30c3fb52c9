"""One shape for every API error, so scripts can rely on it:

    {"detail": "What went wrong, in a sentence.",
     "errors": [{"field": "limit", "message": "Input should be less than or equal to 100"}]}

``errors`` is present for validation failures, one item per bad field.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every error the API answers with."""

    detail: str
    errors: list[FieldError] | None = None


# What each kind of endpoint may answer besides success, for its OpenAPI description.
# 401: a token was sent but is wrong or revoked (or none was sent where one is needed).
READ_ERRORS = {401: ErrorOut, 422: ErrorOut}
DETAIL_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def _field_name(loc) -> str:
    # ninja reports locations like ("query", "limit") or ("body", "payload", "title")
    # ("query", "kind", 0) is "kind" (an index of a repeated parameter);
    # ("body", "payload", "body") is "body" (the first part says where; "payload" is the
    # endpoint's argument holding the whole body).
    parts = list(loc)
    if parts and parts[0] in ("query", "body", "path", "header", "cookie"):
        parts = parts[1:]
    if parts and parts[0] == "payload":
        parts = parts[1:]
    parts = [str(part) for part in parts if not isinstance(part, int)]
    return ".".join(parts) or "request"


class TooManyRequests(Exception):
    """A person or address asked for something costly too often: 429 with Retry-After."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def _message(error: dict) -> str:
    """Pydantic's message, said as what to fix: a pattern is described, not quoted, and the
    "Value error, " that pydantic puts before our own messages is dropped."""
    message = str(error.get("msg", "Invalid"))
    if error.get("type") == "string_pattern_mismatch":
        return ("Use letters, numbers and punctuation only (no control characters), and at "
                "least one word where words are asked for")
    return message.removeprefix("Value error, ")


def install(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc):
        errors = [
            {"field": _field_name(error.get("loc", ())), "message": _message(error)}
            for error in exc.errors
        ]
        return api.create_response(
            request,
            {"detail": "Some of the values sent are not valid.", "errors": errors},
            status=422,
        )

    @api.exception_handler(ValidationError)
    def django_validation_error(request, exc):
        if hasattr(exc, "message_dict"):
            errors = [
                {"field": field, "message": " ".join(messages)}
                for field, messages in exc.message_dict.items()
            ]
        else:
            errors = [{"field": "request", "message": message} for message in exc.messages]
        return api.create_response(
            request,
            {"detail": "Some of the values sent are not valid.", "errors": errors},
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return api.create_response(
            request, {"detail": "The API token is missing, wrong or revoked."}, status=401
        )

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        return api.create_response(
            request, {"detail": str(exc) or "You do not have permission to do this."}, status=403
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": "Not found."}, status=404)

    @api.exception_handler(TooManyRequests)
    def too_many_requests(request, exc):
        response = api.create_response(
            request,
            {"detail": f"Too many requests from you in the last minute: try again in "
                       f"{exc.retry_after} seconds."},
            status=429,
        )
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        detail = str(exc)
        if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
            detail = "The request body is not valid JSON: send a JSON object."
        if exc.status_code == 403 and detail.startswith("CSRF check"):
            detail = ("The request came with a browser session but without its CSRF token: "
                      "send the csrftoken cookie's value in an X-CSRFToken header, or use an "
                      "API token (Authorization: Bearer …) instead of the session.")
        return api.create_response(request, {"detail": detail}, status=exc.status_code)
