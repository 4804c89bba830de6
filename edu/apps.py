from django.apps import AppConfig


class EduConfig(AppConfig):
    verbose_name = "Learning"
    name = "edu"
    default_auto_field = "django.db.models.BigAutoField"
