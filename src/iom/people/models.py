"""Nominals and what the rules need to know about them: convictions, custody, OGRS, needs, flags."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from iom.accounts.permissions import may_see_youth
from iom.rules.dates import is_under
from iom.rules.parameters import NEEDS

SEX = [("M", "Male"), ("F", "Female"), ("X", "Another term"), ("U", "Not known")]
ADULT_AGE = 18


class Person(models.Model):
    local_id = models.CharField(max_length=64, unique=True)
    pnc_id = models.CharField("PNC id", max_length=20, unique=True, null=True, blank=True)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=SEX, blank=True)
    ethnicity = models.CharField(max_length=3, blank=True)
    address = models.TextField(blank=True)
    area = models.CharField(max_length=100, blank=True)
    probation_current = models.BooleanField(default=False)
    mappa_level = models.PositiveSmallIntegerField(null=True, blank=True)
    sex_offender_current = models.BooleanField(default=False)
    em_acquisitive_tag = models.BooleanField("EM tag (acquisitive crime)", default=False)
    significant_intelligence = models.BooleanField(default=False)
    feed_digest = models.CharField(
        max_length=64, blank=True, help_text="What the feed last said, hashed"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name", "local_id"]
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["date_of_birth"]),
        ]

    def __str__(self) -> str:
        return self.full_name or self.local_id

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def is_youth(self, on: date | None = None) -> bool:
        return is_under(ADULT_AGE, self.date_of_birth, on or timezone.localdate())


class Alias(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100)


class Conviction(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="convictions")
    conviction_id = models.CharField(max_length=64)
    offence_code = models.CharField(max_length=5)
    offence_date = models.DateField(null=True, blank=True)
    conviction_date = models.DateField()
    attempt = models.BooleanField(default=False)
    conspiracy = models.BooleanField(default=False)
    domestic_abuse = models.BooleanField(default=False)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["conviction_date", "conviction_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "conviction_id"], name="one_conviction_id_a_person"
            )
        ]


class CustodyPeriod(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="custody")
    kind = models.CharField(max_length=10, choices=[("sentence", "Sentence"), ("remand", "Remand")])
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    sentence_days = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["start"]


class OgrsEntry(models.Model):
    """An OGRS score as probation gave it; the latest by date is the one the rules use."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ogrs_entries")
    score = models.FloatField()
    assessed_on = models.DateField(null=True, blank=True)
    version = models.CharField(max_length=10, blank=True)
    assessor = models.CharField(max_length=150, blank=True)

    class Meta:
        # Latest first; an entry with no date last (PostgreSQL would otherwise put NULLs first).
        ordering = [models.F("assessed_on").desc(nulls_last=True), "-id"]


class Need(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="needs")
    need = models.CharField(max_length=30, choices=[(n, n.replace("_", " ")) for n in NEEDS])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "need"], name="one_need_a_person")]


class IntelligenceFlag(models.Model):
    """An intelligence entry about a person, graded as the recording agency graded it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="flags")
    text = models.CharField(max_length=300)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, null=True)
    source = models.CharField(max_length=200, blank=True, help_text="Where it came from")
    grading = models.CharField(
        max_length=20, blank=True, help_text="As graded by the recording agency, e.g. 3x5x2 B2P"
    )
    restricted = models.BooleanField(
        default=False, help_text="Only staff of the recording agency see it"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def visible_to(self, user: Any) -> bool:
        return not self.restricted or (
            self.agency_id is not None and self.agency_id == user.agency_id
        )


class ImportRunQuerySet(models.QuerySet["ImportRun"]):
    def seen_by(self, user: Any) -> ImportRunQuerySet:
        """The runs whose reports `user` may open (`iom.import_people` on the object)."""
        if may_see_youth(user.role):
            return self
        return self.filter(started_by=user)


class ImportRun(models.Model):
    """One load of a PNC-style extract, with what went in and what was kept aside."""

    objects = ImportRunQuerySet.as_manager()

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    failure = models.TextField(blank=True, help_text="Why a failed run could not be loaded")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True)
    source = models.CharField(max_length=300)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0, help_text="People kept aside")
    problems_total = models.PositiveIntegerField(
        default=0, help_text="Problems found; the report lists the first IOM_IMPORT_MAX_PROBLEMS"
    )

    class Meta:
        ordering = ["-started_at"]


class ImportProblem(models.Model):
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="problems")
    file = models.CharField(max_length=300)
    line = models.PositiveIntegerField()
    person = models.CharField(max_length=64, blank=True)
    field = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["file", "line", "field"]


class Movement(models.Model):
    """A move the feed does not carry: arriving from another area, or moving to adult services."""

    class Kind(models.TextChoices):
        ARRIVED = "arrived", "Arrived from another area"
        ADULT_SERVICES = "adult_services", "Moved to adult services"
        TRANSFERRED_OUT = "transferred_out", "Supervision transferred out of the area"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    on = models.DateField()
    previous_scheme = models.CharField(
        "managed there as",
        max_length=10,
        blank=True,
        choices=[("PPO", "Prolific and priority offender (PPO)"), ("IOM", "IOM"), ("", "Neither")],
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-id"]


class SetAsideLink(models.Model):
    """A foreign key from a feed table to people, dropped while a first load runs and put back
    (checked in one pass) at its end: see `iom.people.first_load`."""

    table = models.CharField(max_length=63)
    name = models.CharField(max_length=63, unique=True)
    definition = models.TextField()
