from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect

from xaso.core import audit
from xaso.core.choices import AuditAction


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


@login_required
def home(request):
    return redirect("population:groups")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
