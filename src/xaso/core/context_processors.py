from xaso import __version__
from xaso.core.tenancy import scope_for


def platform(request):
    user = getattr(request, "user", None)
    unit = getattr(user, "unit", None) if user and user.is_authenticated else None
    return {
        "xaso_version": __version__,
        "actor_unit": unit,
        "actor_scope": scope_for(user) if user else None,
    }
