from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from xaso.core import audit
from xaso.core.choices import AuditAction
from xaso.core.tenancy import scope_for


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(
            actor=form.get_user(),
            action=AuditAction.LOGIN,
            obj=form.get_user(),
            unit_id=form.get_user().unit_id,
        )
        return response


class LogoutView(auth_views.LogoutView):
    pass


def home(request):
    """Officials go to their work; a citizen (no account, or one without a commune role) gets
    the public entry: send or look up a report (phản ánh kiến nghị)."""
    scope = scope_for(request.user)
    if scope.everything or scope.unit_ids:
        return redirect("population:groups")
    return render(request, "core/home.html")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
