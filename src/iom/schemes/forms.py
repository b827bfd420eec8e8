"""Editing a scheme and its meeting types."""

from __future__ import annotations

from typing import Any

from django import forms

from iom.accounts.models import AgencyKind
from iom.rules import available_policies
from iom.schemes.models import MeetingType, Scheme


class SchemeForm(forms.ModelForm):
    areas_text = forms.CharField(
        label="Areas covered",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One area a line, as people's records name them",
    )

    class Meta:
        model = Scheme
        fields = ("name", "policy_id", "youth", "referral_lookback_days")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["policy_id"] = forms.ChoiceField(
            label="Policy", choices=[(p, p) for p in available_policies()]
        )
        if self.instance.pk:
            # A scheme's rules change only through the what-if, seen before it is put in force.
            self.fields["policy_id"].disabled = True
            self.fields["policy_id"].help_text = (
                "To change the rules, use the policy what-if: a coordinator puts a new version in "
                "force after seeing what it would change."
            )
        self.fields["areas_text"].initial = "\n".join(self.instance.areas or [])

    def clean_areas_text(self) -> list[str]:
        areas = [
            line.strip() for line in self.cleaned_data["areas_text"].splitlines() if line.strip()
        ]
        if not areas:
            raise forms.ValidationError("Name at least one area")
        return areas


class MeetingTypeForm(forms.ModelForm):
    agreeing_agencies = forms.MultipleChoiceField(
        label="Agencies that decide jointly",
        choices=AgencyKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = MeetingType
        fields = (
            "name",
            "kind",
            "cadence",
            "quorum_agencies",
            "decides_referrals",
            "agreeing_agencies",
            "chair_role",
        )
