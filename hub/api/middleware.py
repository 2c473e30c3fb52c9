from http import HTTPStatus

from django.http import JsonResponse

API_PREFIX = "/api/"


class JsonErrorsForApiMiddleware:
    """Under /api/, every error is JSON in the API's one error shape — including those
    Django or django-ninja answer before an endpoint runs (an unknown path, a method the path
    does not allow, a CSRF failure)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            replacement = JsonResponse(
                {
                    "detail": f"{HTTPStatus(status).phrase}."
                    if status in HTTPStatus._value2member_map_
                    else "Error."
                },
                status=status,
            )
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response
