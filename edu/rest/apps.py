from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import pre_save


class RestConfig(AppConfig):
    """The REST API as an app, so its token rules are wired in every process (web, worker, commands)."""

    name = "edu.rest"
    label = "edu_rest"
    verbose_name = "REST API"

    def ready(self) -> None:
        from edu.rest.authentication import revoke_tokens_when_password_changes

        pre_save.connect(revoke_tokens_when_password_changes, sender=settings.AUTH_USER_MODEL,
                         dispatch_uid="edu.rest.revoke_tokens_when_password_changes")
