"""Celery application for Glossa (``celery -A edu worker``)."""

from __future__ import annotations

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu.settings")

app = Celery("glossa")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Pool processes of this worker, known in the main process once the worker is set up; forked
# pool processes inherit it.
_pool_processes = 1


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def scrub_worker_logs(logger=None, **_kwargs) -> None:
    """Celery replaces Django's log handlers in the worker; its own get the same filter."""
    from edu.logging import StripRequestDataFilter

    for handler in logger.handlers if logger is not None else ():
        handler.addFilter(StripRequestDataFilter())


@signals.worker_init.connect
def configure_worker(sender=None, **_kwargs) -> None:
    """Poll the database broker every 0.1 s instead of every second, and remember the pool size.

    The interval cannot go through broker_transport_options for this transport (they reach
    SQLAlchemy's create_engine and crash), so it is set on the transport class.
    """
    from django.conf import settings
    from kombu.transport import sqlalchemy as sqla_transport

    global _pool_processes
    sqla_transport.Transport.polling_interval = settings.CELERY_BROKER_POLLING_INTERVAL
    _pool_processes = max(1, int(getattr(sender, "concurrency", 1) or 1))


def torch_threads_per_process(pool_processes: int) -> int:
    from django.conf import settings

    return settings.GLOSSA["WORKER_TORCH_THREADS"] or max(1, (os.cpu_count() or 1) // pool_processes)


@signals.worker_process_init.connect
def share_cores_between_pool_processes(**_kwargs) -> None:
    """Each pool process embeds on its share of the cores instead of all of them.

    Torch defaults to one thread per core in every process: with two pool processes that is
    twice as many busy threads as cores, and each slows the other.
    """
    import torch

    torch.set_num_threads(torch_threads_per_process(_pool_processes))


@signals.worker_process_init.connect
def forget_the_parents_broker_connections(**_kwargs) -> None:
    """A pool process opens its own connections to the database broker, never its parent's.

    kombu's SQLAlchemy transport keeps one engine per broker URL for the whole process, and a forked
    pool process inherits it with the parent's pooled connections. A task that sends a message (the
    sweep queuing a stalled job again) would then write on the socket the main process polls: the main
    process's next read breaks ("Unrecoverable error: IndexError") and the worker stops. SQLAlchemy's
    rule for os.fork: ``dispose(close=False)`` in the child, which leaves the parent's connections open.
    """
    from kombu.transport.sqlalchemy import Channel

    for engine, _session_factory in Channel._engines.values():
        engine.dispose(close=False)
