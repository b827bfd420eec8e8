"""Referrals to a scheme: the form, what the rules said when it was made and decided, its history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from iom.cases.models import Cohort

FACTORS = [
    ("accommodation", "Accommodation"),
    ("substance_misuse", "Substance misuse, including alcohol"),
    ("mental_health", "Mental health, including self-harm and vulnerability"),
    ("peers", "Peers and associates"),
    ("thinking", "Thinking and behaviour, and support networks"),
]
ALTERNATIVES = [
    ("mappa", "MAPPA"),
    ("snt", "Safer neighbourhood team"),
    ("other", "Another way (say which in the note)"),
]


class Referral(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        SCORED = "scored", "Scored"
        NOT_PROGRESSED = "not_progressed", "Not progressed"
        LISTED = "listed", "Listed for a meeting"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        DEFERRED = "deferred", "Deferred"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Trigger(models.TextChoices):
        STAFF = "staff", "Referred by staff"
        SCREENING = "screening", "Screening candidate"
        GPS_TAG = "gps_tag", "Released on the acquisitive crime GPS tag"
        ARRIVED = "arrived", "Arrived from another area, on PPO or IOM there"
        TURNING_ADULT = "turning_adult", "Young person turning 18 or moving to adult services"

    OPEN = (State.DRAFT, State.SUBMITTED, State.SCORED, State.LISTED, State.DEFERRED)

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    scheme = models.ForeignKey("schemes.Scheme", on_delete=models.PROTECT, related_name="referrals")
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    trigger = models.CharField(max_length=20, choices=Trigger.choices, default=Trigger.STAFF)
    trigger_detail = models.CharField(max_length=300, blank=True)
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="referrals_made"
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="agency completing the referral",
    )
    offender_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_managed",
    )
    referred_on = models.DateField(default=timezone.localdate)
    cohort_sought = models.CharField(max_length=10, choices=Cohort.choices, blank=True)
    address = models.TextField(blank=True)
    previously_iom = models.CharField(
        "previously on IOM",
        max_length=10,
        blank=True,
        choices=[("yes", "Yes"), ("no", "No"), ("not_known", "Not known")],
    )
    current_offences = models.TextField(blank=True)
    index_offences = models.TextField(blank=True)
    primary_substance = models.CharField(max_length=100, blank=True)
    factors = models.JSONField("relevant factors", default=list, blank=True)
    factors_note = models.TextField(blank=True)
    iom_offer = models.TextField("what IOM will offer beyond what is already in place", blank=True)
    alternatives = models.JSONField("other ways of managing explored", default=list, blank=True)
    alternatives_note = models.TextField(blank=True)
    figures_note = models.TextField("note against the figures", blank=True)
    override = models.BooleanField("significant intelligence override", default=False)
    override_reason = models.TextField(blank=True)
    closed_reason = models.TextField(blank=True)
    critical = models.BooleanField(default=False)
    meeting = models.ForeignKey(
        "panels.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "scheme"],
                condition=models.Q(
                    state__in=["draft", "submitted", "scored", "listed", "deferred"]
                ),
                name="one_open_referral_a_scheme",
            )
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk} of {self.person} to {self.scheme}"

    def is_open(self) -> bool:
        return self.state in self.OPEN

    def factor_labels(self) -> list[str]:
        return [label for value, label in FACTORS if value in self.factors]

    def alternative_labels(self) -> list[str]:
        return [label for value, label in ALTERNATIVES if value in self.alternatives]

    def latest_screening(self) -> Screening | None:
        """What the daily run's screening last said of a screening candidate's draft, if it has."""
        try:
            return self.screening  # type: ignore[no-any-return]
        except Screening.DoesNotExist:
            return None


class Screening(models.Model):
    """What the latest daily screening said of the person on a screening candidate's draft: the
    figures the start page ranks the drafts by, so that it reads them rather than assessing."""

    referral = models.OneToOneField(
        Referral, on_delete=models.CASCADE, primary_key=True, related_name="screening"
    )
    screened_on = models.DateField()
    outcome = models.CharField(max_length=20)
    cohort = models.CharField(max_length=10, blank=True)
    priority_tier = models.PositiveSmallIntegerField(null=True)
    css_score = models.FloatField(null=True)
    ogrs = models.FloatField(null=True)
    matrix_score = models.IntegerField(null=True)


class StoredAssessment(models.Model):
    """What the rules said about the person at a step of the referral, kept exactly as said."""

    class Stage(models.TextChoices):
        SUBMITTED = "submitted", "When referred"
        SCORED = "scored", "When scored"
        DECIDED = "decided", "When decided"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="assessments")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    as_of = models.DateField()
    assessment = models.JSONField(help_text="As assessment.schema.json, with reasons and versions")
    stored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["stored_at", "id"]


class ReferralEvent(models.Model):
    """One step in a referral's history: who did what, when."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    state = models.CharField(max_length=20, choices=Referral.State.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
