from django.apps import AppConfig


class EduConfig(AppConfig):
    verbose_name = "Learning"
    name = "edu"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from edu.sessions import apply_session_length

        user_logged_in.connect(apply_session_length, dispatch_uid="glossa_session_length")
