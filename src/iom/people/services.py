"""Changes to people's records made from the web app, each audited (see importer for the loading)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from iom.audit.models import Operation
from iom.audit.service import record
from iom.ingest.text import storable
from iom.people import models as m
from iom.people.importer import fail, import_file
from iom.people.uploads import UploadRefused, receive


def import_upload(upload: UploadedFile, user: Any) -> m.ImportRun:
    """Load an uploaded extract; a file that cannot be taken gives a failed run saying why."""
    label = storable(Path(upload.name or "extract").name)[:300]
    with tempfile.TemporaryDirectory(prefix="iom-upload-") as folder:
        try:
            source = receive(upload, Path(folder))
        except UploadRefused as refusal:
            run = m.ImportRun.objects.create(source=label, started_by=user)
            return fail(run, str(refusal))
        return import_file(source, user, label=label)


@transaction.atomic
def record_movement(user: Any, person: m.Person, movement: m.Movement) -> m.Movement:
    """A move the feed does not carry; automatic referrals act on it (strategy 5 and 6)."""
    movement.person, movement.recorded_by = person, user
    movement.save()
    record(
        user,
        Operation.ALTERATION,
        "person",
        person.pk,
        f"recorded: {movement.get_kind_display().lower()}",
    )
    return movement
