"""The governance pages' choices: which scheme and date, which reporting period."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from iom.governance.queries import quarters_to
from iom.governance.what_if import adjustable, proposed_policy, with_new_values
from iom.rules import PolicyError
from iom.schemes.models import Scheme

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


class FiguresFilter(forms.Form):
    scheme = forms.ModelChoiceField(
        label="Scheme",
        queryset=Scheme.objects.order_by("name"),
        required=False,
        empty_label="All",
        to_field_name="slug",
    )
    as_of = forms.DateField(label="Figures as on", required=False, **DATE)

    def clean_as_of(self) -> date:
        chosen = self.cleaned_data.get("as_of") or timezone.localdate()
        if chosen > timezone.localdate():
            raise forms.ValidationError("The date must be today or earlier")
        return chosen


class PeriodForm(forms.Form):
    """A reporting period; by default the last complete quarter."""

    start = forms.DateField(label="From", required=False, **DATE)
    end = forms.DateField(label="To", required=False, **DATE)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        # The contract names the query parameters `from` and `to`.
        if data is not None:
            data = {"start": data.get("from", ""), "end": data.get("to", "")}
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        last_quarter = quarters_to(today, 2)[0]
        start = data.get("start") or last_quarter[0]
        end = data.get("end") or last_quarter[1]
        if start > end:
            raise forms.ValidationError("The period must start on or before its end")
        if end > today:
            raise forms.ValidationError("The period must end today or earlier")
        return {"start": start, "end": end}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need each member's figures?",
        error_messages={"required": "Enter why you need each member's figures"},
        help_text="Recorded in the access log with the download, which is a disclosure of personal data.",
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
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
