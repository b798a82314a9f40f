from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation

from xaso.core import audit
from xaso.core.exceptions import BusinessError, NotAllowed, RateLimited


class RequestContextMiddleware:
    """Makes the client address and channel of the request known to the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        via = "api" if request.path.startswith("/api/") else "web"
        token = audit.set_context(audit.RequestContext(ip=request.META.get("REMOTE_ADDR"), via=via))
        try:
            return self.get_response(request)
        finally:
            audit.reset_context(token)


class BusinessErrorMiddleware:
    """Pages answer a refused business action like the API does: NotAllowed → 403 page,
    BusinessError → 400 with the Vietnamese message. An HTMX request that lost its session is
    sent to the login page as a whole page (HX-Redirect) instead of drawing it in a fragment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.headers.get("HX-Request")
            and response.status_code == 302
            and response.get("Location", "").startswith(settings.LOGIN_URL_PATH)
        ):
            redirect = HttpResponse(status=204)
            redirect["HX-Redirect"] = response["Location"]
            return redirect
        return response

    def process_exception(self, request, exception):
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotAllowed):
            return render(request, "403.html", {"message": exception.message}, status=403)
        if isinstance(exception, BusinessError):
            status = 429 if isinstance(exception, RateLimited) else 400
            return render(request, "400.html", {"message": exception.message}, status=status)
        return None


class LanguageMiddleware:
    """Vietnamese unless the user chose another language with the switcher (the language
    cookie). Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language: many
    officials' phones are set to English, and xaso is Vietnamese first."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
