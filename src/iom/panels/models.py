"""Meetings: who attended for which agency, the agenda built for them, decisions and actions."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from iom.cases.models import Cohort


class Meeting(models.Model):
    scheme = models.ForeignKey("schemes.Scheme", on_delete=models.PROTECT, related_name="meetings")
    kind = models.ForeignKey(
        "schemes.MeetingType", on_delete=models.PROTECT, related_name="meetings"
    )
    held_on = models.DateField()
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="meetings_chaired",
    )
    agenda_built_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.kind.name}, {self.held_on:%-d %B %Y}"

    def agencies_present(self) -> set[int]:
        return {a.agency_id for a in self.attendances.all() if a.present and a.agency_id}


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, null=True)
    present = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency__name", "user__last_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_attendance_a_meeting")
        ]


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        REFERRAL = "referral", "Referral to decide"
        CRITICAL = "critical", "Critical case"
        RELEASE = "release", "Due for release in the next 28 days"
        EXIT_NOTICE = "exit_notice", "Tell the member deselection is being considered (3 months)"
        EXIT_REVIEW = "exit_review", "Review for deselection (6 months)"
        CUSTODY = "custody", "In custody with more than 12 months left"
        MOVED_AWAY = "moved_away", "Lives outside the scheme's areas"
        COMPOSITION = "composition", "Cohort composition"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveIntegerField(default=0)
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True)
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    warning = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]


class Decision(models.Model):
    class Outcome(models.TextChoices):
        ACCEPT = "accept", "Accepted"
        DECLINE = "decline", "Declined"
        DEFER = "defer", "Deferred"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    cohort = models.CharField(max_length=10, choices=Cohort.choices, blank=True)
    rules_cohort = models.CharField(max_length=10, blank=True, help_text="What the rules gave")
    rationale = models.TextField(
        blank=True, help_text="Why, where the panel departs from the rules"
    )
    reason = models.TextField(blank=True)
    defer_to = models.DateField(null=True, blank=True)
    exception = models.BooleanField(default=False)
    exclusions = models.JSONField(default=list, blank=True)
    agreeing_agencies = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]


class Action(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True)
    text = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="actions_owned"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, null=True)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="actions_raised"
    )
    raised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]

    def overdue(self, today: date) -> bool:
        return self.status == self.Status.OPEN and self.due_on < today


class ActionUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    status = models.CharField(max_length=10, choices=Action.Status.choices)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
