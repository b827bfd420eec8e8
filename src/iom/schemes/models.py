"""IOM schemes as data: the areas each covers, the policy it selects by, and its meetings."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.db import models
from django.utils import timezone

from iom.accounts.models import AgencyKind, Role
from iom.rules import Policy, load_policy
from iom.rules.policy import parse_policy, policies_folder


class Scheme(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(unique=True)
    policy_id = models.CharField(
        "policy", max_length=100, help_text="The selection rules, as `iom policies` lists them"
    )
    areas = models.JSONField(default=list, help_text="Areas covered, as people's records name them")
    youth = models.BooleanField("youth scheme", default=False)
    referral_lookback_days = models.PositiveSmallIntegerField(
        default=90,
        help_text="Automatic referrals skip people referred to this scheme within this many days",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def covers(self, area: str) -> bool:
        return area in self.areas

    def policy(self) -> Policy:
        """The policy in force: the latest version a coordinator activated, else the bundled file."""
        return _in_force(self.policy_id, self._activated_text())

    @classmethod
    def policies_in_force(cls) -> dict[int, Policy]:
        """Every scheme's policy in force, by scheme id, in two queries (for lists of members)."""
        latest: dict[int, str] = {}
        for scheme_id, text in PolicyVersion.objects.values_list("scheme_id", "text"):
            latest.setdefault(scheme_id, text)  # versions come latest first
        return {s.pk: _in_force(s.policy_id, latest.get(s.pk)) for s in cls.objects.all()}

    def policy_text(self) -> str:
        """The YAML of the policy in force."""
        text = self._activated_text()
        if text is not None:
            return text
        return (policies_folder() / f"{self.policy_id}.yaml").read_text(encoding="utf-8")

    def _activated_text(self) -> str | None:
        """The latest activated version's YAML (PolicyVersion orders latest first), if any."""
        return self.policy_versions.values_list("text", flat=True).first()


def _in_force(policy_id: str, activated_text: str | None) -> Policy:
    return load_policy(policy_id) if activated_text is None else _parsed(activated_text)


@lru_cache(maxsize=32)
def _parsed(text: str) -> Policy:
    return parse_policy(text, "an activated policy version")


class PolicyVersion(models.Model):
    """A version of a scheme's policy, activated by a coordinator after seeing what it changes."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="policy_versions")
    text = models.TextField(help_text="The policy file, YAML")
    label = models.CharField(max_length=200, help_text="Id, version and digest")
    note = models.TextField(help_text="Why the change was made")
    activated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    activated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-activated_at", "-pk"]

    def __str__(self) -> str:
        return self.label


class MeetingType(models.Model):
    """A kind of meeting a scheme holds, with how often and what it needs to decide."""

    class Kind(models.TextChoices):
        TASKING = "tasking", "Daily tasking"
        OPERATIONAL = "operational", "Operational meeting"
        COUNTY_PANEL = "county_panel", "County panel"
        SELECTION = "selection", "IOM selection meeting (IOMS)"
        CASE_REVIEW = "case_review", "Case review"
        SIG = "sig", "Strategic Implementation Group"

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="meeting_types")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    cadence = models.CharField(max_length=200, help_text="How often it meets, in words")
    quorum_agencies = models.PositiveSmallIntegerField(
        default=3, help_text="Agencies that must be present before a decision is recorded"
    )
    decides_referrals = models.BooleanField(
        default=False, help_text="Referrals are listed and decided here"
    )
    agreeing_agencies = models.JSONField(
        default=list,
        blank=True,
        help_text="Kinds of agency whose attendees must all agree to accept (joint decision)",
    )
    chair_role = models.CharField(
        max_length=30,
        choices=Role.choices,
        blank=True,
        help_text="The role the chair must hold to record decisions, if any",
    )

    class Meta:
        ordering = ["scheme", "name"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="one_meeting_type_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.scheme})"

    def agreeing_labels(self) -> list[str]:
        labels = dict(AgencyKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.agreeing_agencies]
