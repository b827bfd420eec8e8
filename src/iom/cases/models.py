"""Life on the scheme: membership episodes, allocations, contacts, consent, pathways, enforcement, exit.

Records are added, not overwritten (a contact plan is replaced by a newer one, an allocation ended
and another made), because case reviews and the impact report read change over time. Every change
to a membership itself is a dated `MemberEvent`, the member's timeline and field history in one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from iom.accounts.models import Role


class Cohort(models.TextChoices):
    FIXED = "fixed", "Fixed"
    FLEX = "flex", "Flex"
    FREE = "free", "Free"
    YOUTH = "youth", "Youth IOM"


class MembershipQuerySet(models.QuerySet):
    def current(self) -> MembershipQuerySet:
        """Members still on the scheme, whatever their stage (active, in custody, exit period)."""
        return self.exclude(status=Membership.Status.ENDED)


class Membership(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        IN_CUSTODY = "in_custody", "In custody"
        EXIT_PERIOD = "exit_period", "In exit period"
        ENDED = "ended", "Ended"

    class EndReason(models.TextChoices):
        POSITIVE_PROGRESS = "positive_progress", "Positive progress"
        CUSTODY = "custody", "In custody with more than 12 months left"
        TRANSFERRED_OUT = "transferred_out", "Supervision transferred out of the area"
        OTHER = "other", "Other reason"

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="memberships"
    )
    scheme = models.ForeignKey(
        "schemes.Scheme", on_delete=models.PROTECT, related_name="memberships"
    )
    cohort = models.CharField(max_length=10, choices=Cohort.choices)
    start = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    decision = models.OneToOneField(
        "panels.Decision", on_delete=models.PROTECT, null=True, related_name="membership"
    )
    exception = models.BooleanField(
        default=False, help_text="Accepted although an exclusion applies (strategy 4.3)"
    )
    exception_rationale = models.TextField(blank=True)
    exception_agencies = models.JSONField(default=list, blank=True)
    programme_marker = models.BooleanField(
        "IOM programme marker", default=False, help_text="Set on the youth justice record"
    )
    notice_given_on = models.DateField(
        null=True, blank=True, help_text="When the member was told deselection is being considered"
    )
    end_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.TextField(blank=True)
    ongoing_plan = models.TextField(
        blank=True, help_text="How the member is managed after leaving the scheme"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "scheme"],
                condition=~models.Q(status="ended"),
                name="one_current_membership_a_scheme",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.scheme} ({self.get_cohort_display()})"

    @property
    def current(self) -> bool:
        return self.status != self.Status.ENDED

    def open_allocations(self) -> list[Allocation]:
        return [a for a in self.allocations.all() if a.end is None]

    def latest_consent(self) -> Consent | None:
        return max(self.consents.all(), key=lambda c: (c.on, c.pk), default=None)


class Recorded(models.Model):
    """Who recorded a row about a member, and when."""

    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class MemberEvent(models.Model):
    """One dated change to a membership: the member's timeline and the history of its fields."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    on = models.DateField()
    text = models.CharField(max_length=500)
    field = models.CharField(max_length=50, blank=True)
    old = models.CharField(max_length=200, blank=True)
    new = models.CharField(max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-at", "-id"]


class Allocation(models.Model):
    class Kind(models.TextChoices):
        OFFENDER_MANAGER = "offender_manager", "Probation offender manager"
        POLICE_OFFICER = "police_officer", "Police IOM officer"
        YJS_CASE_MANAGER = "yjs_case_manager", "YJS case manager"
        YJS_PCSO = "yjs_pcso", "YJS PCSO (secondary allocation)"

    # Who may hold each allocation; the YJS ones are for members of a youth scheme only.
    ROLES = {
        Kind.OFFENDER_MANAGER: Role.PROBATION_OM,
        Kind.POLICE_OFFICER: Role.POLICE_IOM_OFFICER,
        Kind.YJS_CASE_MANAGER: Role.YJS_CASE_MANAGER,
        Kind.YJS_PCSO: Role.PCSO,
    }
    YOUTH_ONLY = (Kind.YJS_CASE_MANAGER, Kind.YJS_PCSO)

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="allocations")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations"
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["kind", "-start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "kind"],
                condition=models.Q(end__isnull=True),
                name="one_open_allocation_a_kind",
            )
        ]


class ContactKind(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    OFFICE = "office", "Office appointment"
    COMMUNITY = "community", "Meeting in the community"
    PHONE = "phone", "Phone or video call"
    TREATMENT = "treatment", "Treatment appointment"


class ContactPlan(models.Model):
    """One line of the contact level agreed for a member, e.g. a home visit once a week."""

    class Per(models.TextChoices):
        WEEK = "week", "a week"
        MONTH = "month", "a month"

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="contact_plan"
    )
    kind = models.CharField(max_length=20, choices=ContactKind.choices)
    times = models.PositiveSmallIntegerField()
    per = models.CharField(max_length=5, choices=Per.choices)
    agreed_on = models.DateField()
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    ended_on = models.DateField(null=True, blank=True, help_text="Replaced or dropped")

    class Meta:
        ordering = ["kind", "-agreed_on", "-id"]

    def __str__(self) -> str:
        times = {1: "once", 2: "twice"}.get(self.times, f"{self.times} times")
        return f"{self.get_kind_display()} {times} {self.get_per_display()}"


class Requirement(models.Model):
    """A community sentence treatment requirement; attendance is its treatment contacts."""

    class Kind(models.TextChoices):
        ATR = "atr", "Alcohol treatment requirement (ATR)"
        DRR = "drr", "Drug rehabilitation requirement (DRR)"
        MHTR = "mhtr", "Mental health treatment requirement (MHTR)"

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="requirements"
    )
    kind = models.CharField(max_length=5, choices=Kind.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        ordering = ["-start", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.start:%-d %B %Y}"


class Contact(Recorded):
    class Outcome(models.TextChoices):
        ATTENDED = "attended", "Attended"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"
        REFUSED = "refused", "Refused"

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="contacts")
    on = models.DateField()
    kind = models.CharField(max_length=20, choices=ContactKind.choices)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, null=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    statutory = models.BooleanField("counts as a statutory contact", default=False)
    requirement = models.ForeignKey(
        Requirement, on_delete=models.PROTECT, null=True, blank=True, related_name="attendance"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-on", "-recorded_at", "-id"]


class Consent(Recorded):
    """The member's answer to sharing information between the agencies (given, refused, withdrawn)."""

    class Answer(models.TextChoices):
        GIVEN = "given", "Consent given"
        REFUSED = "refused", "Consent refused"
        WITHDRAWN = "withdrawn", "Consent withdrawn"

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="consents")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    on = models.DateField()
    witness = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-on", "-id"]


class PathwayStatus(Recorded):
    """Where a member stands on one resettlement pathway on a day (`iom.cases.pathways`)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="pathways")
    pathway = models.CharField(max_length=30)
    status = models.CharField(max_length=30)
    on = models.DateField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["pathway", "-on", "-id"]


class Enforcement(Recorded):
    class Kind(models.TextChoices):
        WARNING = "warning", "Warning"
        BREACH = "breach", "Breach"
        RECALL = "recall", "Recall to custody"
        ARREST = "arrest", "Arrest"

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="enforcement")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    on = models.DateField()
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, null=True)
    outcome = models.CharField(max_length=300)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-on", "-id"]


class ExitDecision(Recorded):
    """A panel's decision on a member proposed for deselection: leave the scheme or stay on."""

    class Outcome(models.TextChoices):
        DESELECT = "deselect", "Deselect: leaves the scheme"
        STAY = "stay", "Stays on the scheme"

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="exit_decisions"
    )
    meeting = models.ForeignKey("panels.Meeting", on_delete=models.PROTECT, null=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.CharField(max_length=20, choices=Membership.EndReason.choices, blank=True)
    intelligence_supports_staying = models.BooleanField(
        "police intelligence supports staying on", default=False
    )
    rationale = models.TextField()
    ongoing_plan = models.TextField(blank=True)
    on = models.DateField()

    class Meta:
        ordering = ["-on", "-id"]


class IntelligenceCheck(models.Model):
    """The morning check of one new intelligence entry about a member, and what was passed on."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="intelligence_checks"
    )
    entry = models.ForeignKey(
        "people.IntelligenceFlag", on_delete=models.CASCADE, related_name="checks"
    )
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    checked_at = models.DateTimeField(default=timezone.now)
    flagged = models.BooleanField("flag to the case manager", default=False)
    note = models.TextField(blank=True, help_text="What the case manager needs to know")
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "entry"], name="one_check_an_entry_a_membership"
            )
        ]
