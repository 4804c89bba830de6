from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, JsonResponse
from django.urls import include, path, reverse, reverse_lazy


class SignInView(auth_views.LoginView):
    """Staff land on the admin console, everyone else on the portal (unless a `next` page was asked for)."""

    def get_default_redirect_url(self) -> str:
        if self.request.user.is_staff:
            return reverse("admin:index")
        return super().get_default_redirect_url()


def healthz(_request: HttpRequest) -> JsonResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/set_password.html", success_url=reverse_lazy("password_set")
        ),
        name="set_password",
    ),
    path(
        "accounts/set-password/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_set.html"),
        name="password_set",
    ),
    path("api/v1/", include(("edu.rest.urls", "api"), namespace="v1")),
    path("healthz", healthz, name="healthz"),
    path("", include("edu.portal.urls")),
]

# No media route, in any mode: uploads are served only by permission-checked views
# (edu.portal.files), never from MEDIA_URL.
