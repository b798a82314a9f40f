from xaso.core import audit


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
