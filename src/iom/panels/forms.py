"""Forms for planning meetings, attendance, decisions and actions."""

from __future__ import annotations

from typing import Any

from django import forms

from iom.accounts.models import Agency, User
from iom.cases.models import Cohort
from iom.panels.models import Action, Decision, Meeting
from iom.people import models as pm
from iom.referrals.forms import _staff_label
from iom.referrals.models import Referral
from iom.schemes.models import MeetingType, Scheme


def staff() -> Any:
    return (
        User.objects.filter(is_active=True)
        .select_related("agency")
        .order_by("agency__name", "last_name", "username")
    )


class PlanForm(forms.Form):
    kind = forms.ModelChoiceField(
        label="Meeting", queryset=MeetingType.objects.select_related("scheme")
    )
    held_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    chair = forms.ModelChoiceField(label="Chair", queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = staff()
        self.fields["chair"].label_from_instance = _staff_label
        self.fields["kind"].label_from_instance = lambda kind: f"{kind.scheme}: {kind.name}"

    @property
    def scheme(self) -> Scheme:
        return self.cleaned_data["kind"].scheme


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label="Who is present", queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = staff()
        self.fields["present"].label_from_instance = _staff_label


class DecisionForm(forms.Form):
    referral = forms.ModelChoiceField(queryset=Referral.objects.none(), widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label="Decision", choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    cohort = forms.ChoiceField(
        label="Cohort (to accept)", choices=[("", "Choose"), *Cohort.choices], required=False
    )
    rationale = forms.CharField(
        label="Rationale (a cohort other than the rules', or an exception)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label="Reason (to decline)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    defer_to = forms.DateField(
        label="Defer to (date)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    agreeing = forms.ModelMultipleChoiceField(
        label="Agencies that agree",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = Referral.objects.filter(meeting=meeting)
        self.fields["agreeing"].queryset = Agency.objects.filter(pk__in=meeting.agencies_present())


class CriticalCaseForm(forms.Form):
    person = forms.ModelChoiceField(label="Person", queryset=pm.Person.objects.none())
    note = forms.CharField(label="Why it is critical", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = meeting.scheme.memberships.current().values("person_id")
        referred = meeting.scheme.referrals.filter(state__in=Referral.OPEN).values("person_id")
        self.fields["person"].queryset = pm.Person.objects.filter(
            pk__in=members
        ) | pm.Person.objects.filter(pk__in=referred)


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ("text", "owner", "due_on")
        labels = {"text": "Action", "owner": "Owner", "due_on": "Due"}
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "due_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff()
        self.fields["owner"].label_from_instance = _staff_label


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Action.Status.choices)
    text = forms.CharField(label="Update", required=False, widget=forms.Textarea(attrs={"rows": 2}))
