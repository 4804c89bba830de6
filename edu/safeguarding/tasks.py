"""Celery tasks: tell the leads about a new alert within seconds; purge alerts past retention."""

from __future__ import annotations

from celery import shared_task

from edu.safeguarding import services


@shared_task(name="safeguarding.notify_alert", acks_late=True, autoretry_for=(OSError,), retry_backoff=5,
             max_retries=5)
def notify_alert(alert_id: int) -> int:
    return services.notify_leads(alert_id=alert_id)


@shared_task(name="safeguarding.purge_expired_alerts")
def purge_expired_alerts() -> int:
    return services.purge_expired_alerts()
