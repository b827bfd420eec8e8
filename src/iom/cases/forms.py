"""Forms for the member's record: allocations, contact plan, contacts, consent, pathways,
requirements, enforcement, intelligence, the notice and the exit decision; the cohort filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from iom.accounts.models import Agency, User
from iom.cases import models as cm
from iom.cases.pathways import status_choices
from iom.cases.services import PlanLineInput
from iom.panels.models import Meeting
from iom.referrals.forms import _staff_label
from iom.schemes.models import Scheme

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}
NOTE = {"required": False, "widget": forms.Textarea(attrs={"rows": 2})}


def _today() -> Any:
    return timezone.localdate()


class MemberForm(forms.Form):
    """A form on the member page: it knows the membership it records against."""

    def __init__(self, *args: Any, membership: cm.Membership | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.membership = membership


class AllocationForm(MemberForm):
    kind = forms.ChoiceField(label="Allocation", choices=cm.Allocation.Kind.choices)
    worker = forms.ModelChoiceField(label="Worker", queryset=User.objects.none())
    start = forms.DateField(label="From", initial=_today, **DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        youth = self.membership is not None and self.membership.scheme.youth
        kinds = [
            (value, label)
            for value, label in cm.Allocation.Kind.choices
            if youth or value not in cm.Allocation.YOUTH_ONLY
        ]
        self.fields["kind"].choices = kinds
        roles = [cm.Allocation.ROLES[kind] for kind, _ in kinds]
        self.fields["worker"].queryset = (
            User.objects.filter(is_active=True, role__in=roles)
            .select_related("agency")
            .order_by("agency__name", "last_name")
        )
        self.fields["worker"].label_from_instance = _staff_label


class PlanForm(MemberForm):
    """Up to three lines of the agreed contact level."""

    agreed_on = forms.DateField(label="Agreed on", initial=_today, **DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in (1, 2, 3):
            self.fields[f"kind_{n}"] = forms.ChoiceField(
                label=f"Contact {n}",
                choices=[("", "None" if n > 1 else "Choose a kind"), *cm.ContactKind.choices],
                required=n == 1,
            )
            self.fields[f"times_{n}"] = forms.IntegerField(
                label="How many times", min_value=1, max_value=31, required=False
            )
            self.fields[f"per_{n}"] = forms.ChoiceField(
                label="Every", choices=cm.ContactPlan.Per.choices, required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in (1, 2, 3):
            if data.get(f"kind_{n}") and not data.get(f"times_{n}"):
                self.add_error(f"times_{n}", "Say how many times.")
        return data


def plan_lines(data: dict[str, Any]) -> list[PlanLineInput]:
    """The lines of a valid PlanForm's data."""
    return [
        PlanLineInput(data[f"kind_{n}"], data[f"times_{n}"], data[f"per_{n}"] or "week")
        for n in (1, 2, 3)
        if data.get(f"kind_{n}")
    ]


class ContactForm(MemberForm):
    on = forms.DateField(label="Date", initial=_today, **DATE)
    kind = forms.ChoiceField(label="Kind of contact", choices=cm.ContactKind.choices)
    outcome = forms.ChoiceField(
        label="Outcome", choices=cm.Contact.Outcome.choices, widget=forms.RadioSelect
    )
    statutory = forms.BooleanField(label="Counts as a statutory contact", required=False)
    requirement = forms.ModelChoiceField(
        label="Treatment requirement it attends",
        queryset=cm.Requirement.objects.none(),
        required=False,
    )
    note = forms.CharField(label="Note", **NOTE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.membership is not None:
            self.fields["requirement"].queryset = self.membership.requirements.all()


class ConsentForm(MemberForm):
    answer = forms.ChoiceField(
        label="Answer", choices=cm.Consent.Answer.choices, widget=forms.RadioSelect
    )
    on = forms.DateField(label="Date", initial=_today, **DATE)
    witness = forms.CharField(label="Witness (name and role)", max_length=200, required=False)


class PathwayForm(MemberForm):
    status = forms.ChoiceField(label="Pathway and status", choices=status_choices)
    on = forms.DateField(label="Date", initial=_today, **DATE)
    note = forms.CharField(label="Note", **NOTE)


class RequirementForm(MemberForm):
    kind = forms.ChoiceField(label="Requirement", choices=cm.Requirement.Kind.choices)
    start = forms.DateField(label="Start", **DATE)
    end = forms.DateField(label="End", required=False, **DATE)


class EnforcementForm(MemberForm):
    kind = forms.ChoiceField(label="Kind", choices=cm.Enforcement.Kind.choices)
    on = forms.DateField(label="Date", initial=_today, **DATE)
    outcome = forms.CharField(label="Outcome", max_length=300)
    note = forms.CharField(label="Note", **NOTE)


class IntelligenceForm(MemberForm):
    text = forms.CharField(
        label="Intelligence", max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    source = forms.CharField(label="Source", max_length=200, required=False)
    grading = forms.CharField(
        label="Grading", max_length=20, required=False, help_text="As your agency grades it"
    )
    restricted = forms.BooleanField(label="Only my agency may read it", required=False)


class CheckForm(forms.Form):
    flagged = forms.BooleanField(label="Flag to the case manager", required=False)
    note = forms.CharField(
        label="What the case manager needs to know",
        help_text="Needed when you flag the entry",
        **NOTE,
    )


class NoticeForm(MemberForm):
    on = forms.DateField(label="Date given", initial=_today, **DATE)


class ExitForm(MemberForm):
    outcome = forms.ChoiceField(
        label="Decision", choices=cm.ExitDecision.Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(
        label="Why the member leaves",
        choices=[("", "Choose"), *cm.Membership.EndReason.choices],
        required=False,
    )
    intelligence_supports_staying = forms.BooleanField(
        label="Police intelligence supports keeping the member on", required=False
    )
    rationale = forms.CharField(label="Rationale", widget=forms.Textarea(attrs={"rows": 2}))
    ongoing_plan = forms.CharField(label="Ongoing management plan after leaving", **NOTE)
    meeting = forms.ModelChoiceField(
        label="Meeting", queryset=Meeting.objects.none(), required=False
    )
    on = forms.DateField(label="Date", initial=_today, **DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.membership is not None:
            self.fields["meeting"].queryset = Meeting.objects.filter(
                scheme=self.membership.scheme, held_on__lte=timezone.localdate()
            ).select_related("kind")[:20]


class CohortFilter(forms.Form):
    scheme = forms.ModelChoiceField(
        label="Scheme", queryset=Scheme.objects.all(), required=False, empty_label="All"
    )
    cohort = forms.ChoiceField(
        label="Cohort", choices=[("", "All"), *cm.Cohort.choices], required=False
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[("", "On the scheme"), *cm.Membership.Status.choices],
        required=False,
    )
    worker = forms.ModelChoiceField(
        label="Worker", queryset=User.objects.none(), required=False, empty_label="Anyone"
    )
    team = forms.ModelChoiceField(
        label="Team", queryset=Agency.objects.order_by("name"), required=False, empty_label="Any"
    )
    unallocated = forms.BooleanField(label="Only members with no allocation", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = set(cm.Allocation.ROLES.values())
        self.fields["worker"].queryset = User.objects.filter(role__in=roles).order_by(
            "last_name", "username"
        )
        self.fields["worker"].label_from_instance = _staff_label
