"""Changing a scheme or one of its meeting types, audited with what changed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from iom.audit.models import Operation
from iom.audit.service import record
from iom.schemes.forms import MeetingTypeForm, SchemeForm
from iom.schemes.models import MeetingType, Scheme


@transaction.atomic
def save_scheme(user: Any, form: SchemeForm) -> Scheme:
    scheme = form.save(commit=False)
    scheme.areas = form.cleaned_data["areas_text"]
    scheme.slug = scheme.slug or _slug(scheme.name)
    scheme.save()
    changed = ", ".join(form.changed_data) or "nothing"
    record(
        user, Operation.ALTERATION, "scheme", scheme.pk, f"edited {scheme.name}: {changed}"[:300]
    )
    return scheme


@transaction.atomic
def save_meeting_type(user: Any, form: MeetingTypeForm) -> MeetingType:
    kind = form.save()
    changed = ", ".join(form.changed_data) or "nothing"
    record(
        user, Operation.ALTERATION, "meeting type", kind.pk, f"edited {kind.name}: {changed}"[:300]
    )
    return kind


def _slug(name: str) -> str:
    return slugify(name)[:50]
