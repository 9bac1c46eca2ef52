"""The API's errors: one shape, {"detail": "…"} in the caller's language, and every status
an endpoint can answer with declared in the OpenAPI document (see `answers`).

    400  a write refused by a service's rule, or a body that is not JSON
    401  no valid token or session
    403  seen but not allowed (a service's permission check)
    404  not found, or outside the caller's scope
    409  the record changed since it was read
    422  a parameter or field of the wrong type or out of bounds; `errors` names each one
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from xuejiao.core.errors import PermissionDenied, ServiceError, StaleRecord


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    field: str
    message: str


class InvalidOut(ErrorOut):
    errors: list[FieldErrorOut]


def answers(ok, *errors: int, status: int = 200) -> dict:
    """The `response=` of an endpoint: `ok` for `status`, and the error statuses it can
    answer with. 401 (every endpoint needs authentication) and 422 (nearly every endpoint
    reads a path, a query or a body) are always declared."""
    codes = sorted({401, 422, *errors})
    return {status: ok, **{code: InvalidOut if code == 422 else ErrorOut for code in codes}}


# pydantic's error types, said for people. Types not listed fall back to a general
# sentence; the project's own types (xuejiao.api.types) bring their own message.
def _messages() -> dict:
    return {
        "missing": _("This field is required."),
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "int_from_float": _("Enter a whole number."),
        "bool_parsing": _("Enter true or false."),
        "bool_type": _("Enter true or false."),
        "string_type": _("Enter text."),
        "date_parsing": _("Enter a date such as 2021-06-05."),
        "date_from_datetime_parsing": _("Enter a date such as 2021-06-05."),
        "date_from_datetime_inexact": _("Enter a date such as 2021-06-05."),
        "date_type": _("Enter a date such as 2021-06-05."),
        "datetime_parsing": _("Enter a date and time such as 2021-06-05T09:00:00+08:00."),
        "datetime_from_date_parsing": _("Enter a date and time such as 2021-06-05T09:00:00+08:00."),
        "datetime_type": _("Enter a date and time such as 2021-06-05T09:00:00+08:00."),
        "enum": _("Choose one of: %(expected)s."),
        "literal_error": _("Choose one of: %(expected)s."),
        "greater_than_equal": _("Enter at least %(ge)s."),
        "greater_than": _("Enter more than %(gt)s."),
        "less_than_equal": _("Enter at most %(le)s."),
        "less_than": _("Enter less than %(lt)s."),
        "string_too_long": _("Enter at most %(max_length)s characters."),
        "string_too_short": _("Fill this in; spaces alone do not count."),
        "model_attributes_type": _("Send a JSON object."),
        "dict_type": _("Send a JSON object."),
        "model_type": _("Send a JSON object."),
        "list_type": _("Send a list."),
        "json_invalid": _("The request body is not valid JSON."),
    }


# Where a value came from, and the name of the parameter model ninja wraps it in.
SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}


def _field(loc) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in SOURCES:
        parts = parts[1:]
        # Query[Schema] and a body schema are named after the view's argument.
        if len(parts) > 1:
            parts = parts[1:]
    return ".".join(parts)


def _message(error: dict, messages: dict) -> str:
    kind = error.get("type", "")
    if kind in messages:
        try:
            return messages[kind] % error.get("ctx", {})
        except (KeyError, TypeError, ValueError):
            return messages[kind].split("%")[0].strip()
    if kind in ("implausible_date", "nul_character"):
        return str(error.get("msg", ""))
    return _("This value is not valid.")


def install(api) -> None:
    """Give `api` the handlers that turn each refusal into its status and message."""

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    @api.exception_handler(StaleRecord)
    def stale(request, exc):
        return api.create_response(request, {"detail": str(exc)}, status=409)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return api.create_response(request, {"detail": str(exc)}, status=403)

    @api.exception_handler(ServiceError)
    def refused(request, exc):
        return api.create_response(request, {"detail": str(exc)}, status=400)

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        messages = _messages()
        errors = [{"field": _field(e.get("loc", ())), "message": _message(e, messages)} for e in exc.errors]
        detail = _("; ").join(_("%(field)s: %(message)s") % e if e["field"] else e["message"] for e in errors)
        return api.create_response(request, {"detail": detail, "errors": errors}, status=422)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        detail = _("Sign in first: send a valid API token as “Authorization: Bearer …”.")
        return api.create_response(request, {"detail": detail}, status=401)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        # ninja's own refusals, in English; the one a caller meets is an unreadable body.
        detail = str(exc)
        if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
            detail = _("The request body is not valid JSON.")
        elif exc.status_code == 403 and detail.startswith("CSRF"):
            # A browser session writes only with the page's CSRF token; other systems use a token.
            detail = _(
                "The security check (CSRF) failed: reload the page and try again, or use an API token."
            )
        return api.create_response(request, {"detail": detail}, status=exc.status_code)
