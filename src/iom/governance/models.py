from __future__ import annotations

from django.conf import settings
from django.db import models

from iom.impact import Row
from iom.schemes.models import Scheme


class StoredFairness(models.Model):
    """A scheme's disproportionality figures as on a date, worked out by the task worker or the
    nightly command: at a force's size, screening everyone in the areas takes longer than a page
    may wait, so the pages read these and say when they were worked out."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField()
    worked_out_at = models.DateTimeField()
    screened = models.PositiveIntegerField(help_text="People screened to work them out")
    rows = models.JSONField(help_text="Each row of iom.impact.fairness, as its to_json gives")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scheme", "as_of"], name="one_stored_fairness_a_day")
        ]

    def figures(self) -> list[Row]:
        return [Row(**row) for row in self.rows]


class WhatIfRun(models.Model):
    """A policy what-if worked out by the task worker: for a scheme whose areas hold more people
    than a page may screen while it waits. Kept with what it found, for whoever asked."""

    class State(models.TextChoices):
        QUEUED = "queued", "Being worked out"
        DONE = "done", "Done"
        FAILED = "failed", "Could not be worked out"

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="+")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField()
    as_of = models.DateField(help_text="The day the population is screened as on")
    proposed_text = models.TextField(help_text="The proposed policy file")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True, help_text="iom.governance.what_if.to_json")
