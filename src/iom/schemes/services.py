"""Changing a scheme or one of its meeting types, audited with what changed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from iom.audit.models import Operation
from iom.audit.service import record
from iom.rules.policy import parse_policy
from iom.schemes.forms import MeetingTypeForm, SchemeForm
from iom.schemes.models import MeetingType, PolicyVersion, Scheme


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


@transaction.atomic
def activate_policy(user: Any, scheme: Scheme, text: str, note: str) -> PolicyVersion:
    """Put a proposed policy version in force for the scheme (its what-if has been seen)."""
    policy = parse_policy(text, "the proposed policy")  # refuses a file that is not a policy
    was = scheme.policy().version_label
    version = PolicyVersion.objects.create(
        scheme=scheme, text=text, label=policy.version_label, note=note, activated_by=user
    )
    record(
        user,
        Operation.ALTERATION,
        "policy",
        scheme.pk,
        f"activated {policy.version_label} for {scheme.name}, replacing {was}"[:300],
        reason=note,
    )
    return version
