"""Celery application for Glossa (``celery -A edu worker``)."""

from __future__ import annotations

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu.settings")

app = Celery("glossa")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def tune_sqlalchemy_transport(**_kwargs) -> None:
    """Poll the database broker every 0.1 s instead of every second.

    The interval cannot go through broker_transport_options for this transport (they reach
    SQLAlchemy's create_engine and crash), so it is set on the transport class.
    """
    from django.conf import settings
    from kombu.transport import sqlalchemy as sqla_transport

    sqla_transport.Transport.polling_interval = settings.CELERY_BROKER_POLLING_INTERVAL
