"""Finds every model holding a learner's personal data, so export and erasure stay complete.

A model declares ``PII_FIELDS``; its data subject is the user in ``PII_SUBJECT_FIELD`` or, by
default, its ``learner`` or ``user`` field, else its only foreign key to the user model
(``Material.uploaded_by``). Models added later by other apps are picked up without changes here.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import uuid
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import models


class PiiAnnotationError(LookupError):
    """A model declares PII_FIELDS but no field links it to the user it is about."""


def subject_field(model: type[models.Model]) -> str:
    declared = getattr(model, "PII_SUBJECT_FIELD", None)
    if declared:
        return declared
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    user_fks = [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey | models.OneToOneField) and field.related_model is user_model
    ]
    for name in ("learner", "user"):
        if name in user_fks:
            return name
    if len(user_fks) == 1:
        return user_fks[0]
    raise PiiAnnotationError(f"{model._meta.label} declares PII_FIELDS but has no PII_SUBJECT_FIELD")


def pii_models() -> list[tuple[type[models.Model], str]]:
    """(model, subject field) for every installed model that declares PII_FIELDS."""
    return [
        (model, subject_field(model))
        for model in apps.get_models()
        if getattr(model, "PII_FIELDS", None)
    ]


def account(user: AbstractBaseUser) -> AbstractBaseUser:
    """The user row itself: views pass ``request.user`` (a lazy proxy whose type is not the model)."""
    if user is None or getattr(user, "pk", None) is None:
        raise ValueError("a saved user is required")
    return get_user_model().objects.get(pk=user.pk)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def export_rows(queryset: models.QuerySet) -> list[dict]:
    """Every concrete field of each row; a model may define ``export_values()`` for readable values."""
    rows = []
    for obj in queryset:
        row = {field.attname: _json_value(getattr(obj, field.attname)) for field in obj._meta.concrete_fields}
        if hasattr(obj, "export_values"):
            row.update(obj.export_values())
        rows.append(row)
    return rows
