"""The referral form (Derbyshire strategy appendix A, in our words) and the analyst's scoring."""

from __future__ import annotations

from typing import Any

from django import forms

from iom.accounts.models import Agency, User
from iom.cases.models import Cohort
from iom.referrals.models import ALTERNATIVES, FACTORS, Referral

ANSWER_FIELDS = (
    "cohort_sought",
    "address",
    "previously_iom",
    "current_offences",
    "index_offences",
    "primary_substance",
    "factors",
    "factors_note",
    "iom_offer",
    "alternatives",
    "alternatives_note",
    "figures_note",
    "agency",
    "offender_manager",
    "referred_on",
)


class ReferralForm(forms.ModelForm):
    factors = forms.MultipleChoiceField(
        label="Relevant factors",
        choices=FACTORS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    alternatives = forms.MultipleChoiceField(
        label="Other ways of managing explored",
        choices=ALTERNATIVES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Needed for Flex: professional judgement is an exception after these were tried",
    )

    class Meta:
        model = Referral
        fields = ANSWER_FIELDS
        widgets = {
            "referred_on": forms.DateInput(attrs={"type": "date"}),
            "address": forms.Textarea(attrs={"rows": 3}),
            "current_offences": forms.Textarea(attrs={"rows": 3}),
            "index_offences": forms.Textarea(attrs={"rows": 3}),
            "factors_note": forms.Textarea(attrs={"rows": 3}),
            "iom_offer": forms.Textarea(attrs={"rows": 4}),
            "alternatives_note": forms.Textarea(attrs={"rows": 3}),
            "figures_note": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"referred_on": "Date of referral", "offender_manager": "Offender manager"}

    def __init__(self, *args: Any, youth: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.youth = youth
        self.fields["agency"].queryset = Agency.objects.order_by("name")
        self.fields["agency"].required = True
        self.fields["offender_manager"].queryset = User.objects.filter(is_active=True).order_by(
            "last_name", "username"
        )
        self.fields["offender_manager"].label_from_instance = _staff_label
        self.fields["iom_offer"].required = True
        self.fields[
            "iom_offer"
        ].help_text = "Required: what the scheme adds for this person (strategy 4)"
        cohorts = [("", "Not known")] + [
            c for c in Cohort.choices if (c[0] == Cohort.YOUTH) == youth
        ]
        self.fields["cohort_sought"].choices = cohorts
        self.fields["cohort_sought"].label = "Cohort sought"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("cohort_sought") == Cohort.FLEX:
            if not data.get("alternatives"):
                self.add_error(
                    "alternatives", "For Flex, say which other ways of managing were explored"
                )
            if (
                "other" in (data.get("alternatives") or [])
                and not data.get("alternatives_note", "").strip()
            ):
                self.add_error("alternatives_note", "Say which other way of managing was explored")
        return data


def _staff_label(user: User) -> str:
    name = user.get_full_name() or user.username
    return f"{name}, {user.get_role_display()}" + (f", {user.agency}" if user.agency else "")


class ScoreForm(forms.Form):
    override = forms.BooleanField(
        label="Significant intelligence: list for the selection meeting whatever the score",
        required=False,
    )
    override_reason = forms.CharField(
        label="What the intelligence is", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("override") and not data.get("override_reason", "").strip():
            self.add_error("override_reason", "Say what intelligence supports the override")
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why the referral is withdrawn", widget=forms.Textarea(attrs={"rows": 2})
    )


class FlagForm(forms.Form):
    note = forms.CharField(label="Why it is critical", widget=forms.Textarea(attrs={"rows": 2}))
