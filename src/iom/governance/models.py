from __future__ import annotations

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
