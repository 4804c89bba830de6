from django.urls import path

from . import safeguarding_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/export/", views.export_data, name="export_data"),
    path("my-data/erase/", views.erase_data, name="erase_data"),
    path("courses/<slug:slug>/", views.course_detail, name="course"),
    path("courses/<slug:slug>/ask/", views.ask, name="ask"),
    path("courses/<slug:slug>/ask/stream/", views.ask_stream, name="ask_stream"),
    path("courses/<slug:slug>/objectives/", views.add_objective, name="add_objective"),
    path("courses/<slug:slug>/materials/", views.materials, name="materials"),
    path("courses/<slug:slug>/jobs/", views.jobs, name="jobs"),
    path("courses/<slug:slug>/roster/", views.roster, name="roster"),
    path("courses/<slug:slug>/roster/<int:pk>/sign-in-link/", views.sign_in_link, name="sign_in_link"),
    path("courses/<slug:slug>/roster/sign-in-sheet/", views.sign_in_sheet, name="sign_in_sheet"),
    path("courses/<slug:slug>/mastery/", views.class_mastery, name="class_mastery"),
    path("courses/<slug:slug>/objectives/<int:pk>/answers/", views.objective_answers, name="objective_answers"),
    path("courses/<slug:slug>/preview/", views.preview, name="preview"),
    path("courses/<slug:slug>/preview/stream/", views.preview_stream, name="preview_stream"),
    path("courses/<slug:slug>/privacy/", views.privacy_report, name="privacy_report"),
    path("materials/<int:pk>/", views.material_detail, name="material"),
    path("materials/<int:pk>/read/", views.material_read, name="material_read"),
    path("materials/<int:pk>/file/", views.material_file, name="material_file"),
    path("materials/<int:pk>/picture/", views.material_picture, name="material_picture"),
    path("materials/<int:pk>/rerun/", views.rerun, name="rerun"),
    path("materials/<int:pk>/rename/", views.rename_material, name="rename_material"),
    path("materials/<int:pk>/delete/", views.delete_material, name="delete_material"),
    path("materials/<int:pk>/new-version/", views.replace_material, name="replace_material"),
    path("figures/<int:pk>/describe/", views.describe_figure, name="describe_figure"),
    path("interactions/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("practice/<int:pk>/", views.practice, name="practice"),
    path("safeguarding/", safeguarding_views.alerts, name="safeguarding_alerts"),
    path("safeguarding/<int:pk>/", safeguarding_views.alert_detail, name="safeguarding_alert"),
    path("safeguarding/<int:pk>/act/", safeguarding_views.alert_action, name="safeguarding_act"),
]
