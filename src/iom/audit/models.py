"""The access log: append-only, hash-chained events of who saw and changed which record."""

from __future__ import annotations

from django.db import models


class Operation(models.TextChoices):
    """The processing operations that UK DPA 2018 Part 3 s.62 requires logs of."""

    COLLECTION = "collection", "Collection"
    ALTERATION = "alteration", "Alteration"
    CONSULTATION = "consultation", "Consultation"
    DISCLOSURE = "disclosure", "Disclosure"
    COMBINATION = "combination", "Combination"
    ERASURE = "erasure", "Erasure"
    REFUSED = "refused", "Refused"  # not s.62: an attempt the permission checks turned away


class AuditEvent(models.Model):
    at = models.DateTimeField()
    user_id_at_time = models.BigIntegerField(null=True)
    username = models.CharField(max_length=150)
    agency = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=30, blank=True)
    operation = models.CharField(max_length=20, choices=Operation.choices)
    record_type = models.CharField(max_length=50)
    record_id = models.CharField(max_length=100, blank=True)
    description = models.CharField(max_length=300, blank=True)
    reason = models.TextField(blank=True, help_text="Why, for exports and disclosures")
    details = models.TextField(blank=True, help_text="e.g. the ids a search showed")
    request_id = models.CharField(max_length=64, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["record_type", "record_id"]),
            models.Index(fields=["username"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.operation} {self.record_type} {self.record_id}"
