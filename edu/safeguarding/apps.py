from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "edu.safeguarding"
    label = "safeguarding"
    verbose_name = "Safeguarding"
    default_auto_field = "django.db.models.BigAutoField"
