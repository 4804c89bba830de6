from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from edu.rest import safeguarding_views, views
from edu.rest.token_views import ObtainExpiringToken

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from the vendored sidecar; its script is served by the same view (?script), not inline.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="v1:schema"), name="docs"),
    path("auth/token/", ObtainExpiringToken.as_view(), name="token"),
    path("courses/", views.CourseListView.as_view(), name="courses"),
    path("courses/<slug:slug>/materials/", views.MaterialListView.as_view(), name="materials"),
    path("courses/<slug:slug>/jobs/", views.JobListView.as_view(), name="jobs"),
    path("courses/<slug:slug>/search/", views.SearchView.as_view(), name="search"),
    path("courses/<slug:slug>/explain/", views.ExplainView.as_view(), name="explain"),
    path("materials/<int:pk>/", views.MaterialDetailView.as_view(), name="material"),
    path("materials/<int:pk>/new-version/", views.MaterialNewVersionView.as_view(), name="material_new_version"),
    path("jobs/<int:pk>/", views.JobDetailView.as_view(), name="job"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("export/", views.ExportView.as_view(), name="export"),
    path("safeguarding/alerts/", safeguarding_views.AlertListView.as_view(), name="safeguarding_alerts"),
    path("safeguarding/alerts/<int:pk>/", safeguarding_views.AlertDetailView.as_view(), name="safeguarding_alert"),
    path("safeguarding/alerts/<int:pk>/act/", safeguarding_views.AlertActionView.as_view(),
         name="safeguarding_act"),
]
