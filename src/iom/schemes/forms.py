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


class WhatIfForm(forms.Form):
    """New values for a scheme's thresholds from a date, or a whole policy file: the proposal."""

    MAX_FILE_BYTES = 200_000

    in_force_from = forms.DateField(
        label="New values in force from",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The population is screened as on this day under both policies.",
    )
    policy_file = forms.FileField(
        label="Or a whole policy file (YAML)",
        required=False,
        help_text="A new dated version of the policy; the values above are then ignored.",
    )

    def __init__(self, *args: Any, scheme: Scheme, **kwargs: Any) -> None:
        from django.utils import timezone

        from iom.schemes.what_if import adjustable

        super().__init__(*args, **kwargs)
        self.scheme = scheme
        self.fields["in_force_from"].initial = timezone.localdate()
        self.current = scheme.policy()
        self.adjustable = adjustable(self.current, timezone.localdate())
        for name, (label, value) in self.adjustable.items():
            self.fields[f"p_{name}"] = forms.FloatField(
                label=label, required=False, help_text=f"Now {value:g}", min_value=0
            )

    def clean(self) -> dict[str, Any]:
        from iom.rules import PolicyError
        from iom.schemes.what_if import proposed_policy, with_new_values

        data = super().clean() or {}
        upload = data.get("policy_file")
        if upload is not None:
            text = self._read(upload)
        else:
            changes = {
                name: data[f"p_{name}"]
                for name, (_, value) in self.adjustable.items()
                if data.get(f"p_{name}") is not None and data[f"p_{name}"] != value
            }
            if not changes:
                raise forms.ValidationError("Give at least one new value, or a policy file")
            if data.get("in_force_from") is None:
                return data
            text = with_new_values(self.scheme.policy_text(), changes, data["in_force_from"])
        try:
            data["policy"] = proposed_policy(text)
        except PolicyError as error:
            raise forms.ValidationError(str(error)) from None
        if data["policy"].engine != self.current.engine:
            raise forms.ValidationError(
                f"The file is a {data['policy'].engine} policy; this scheme's is {self.current.engine}"
            )
        data["text"] = text
        return data

    def _read(self, upload: Any) -> str:
        if upload.size > self.MAX_FILE_BYTES:
            raise forms.ValidationError("The policy file must be smaller than 200 KB")
        try:
            return str(upload.read().decode("utf-8"))
        except UnicodeDecodeError:
            raise forms.ValidationError("The policy file must be UTF-8 text") from None


class ActivateForm(forms.Form):
    digest = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label="Why this change",
        help_text="Kept with the version and in the access log.",
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
