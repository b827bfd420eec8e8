"""Membership of a scheme: made by a panel's decision to accept; the cohort work builds on it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Cohort(models.TextChoices):
    FIXED = "fixed", "Fixed"
    FLEX = "flex", "Flex"
    FREE = "free", "Free"
    YOUTH = "youth", "Youth IOM"


class Membership(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="memberships"
    )
    scheme = models.ForeignKey(
        "schemes.Scheme", on_delete=models.PROTECT, related_name="memberships"
    )
    cohort = models.CharField(max_length=10, choices=Cohort.choices)
    start = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    decision = models.OneToOneField(
        "panels.Decision", on_delete=models.PROTECT, null=True, related_name="membership"
    )
    exception = models.BooleanField(
        default=False, help_text="Accepted although an exclusion applies (strategy 4.3)"
    )
    exception_rationale = models.TextField(blank=True)
    exception_agencies = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "scheme"],
                condition=models.Q(status="active"),
                name="one_active_membership_a_scheme",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.scheme} ({self.get_cohort_display()})"
