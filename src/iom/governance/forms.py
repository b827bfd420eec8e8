"""The governance pages' choices: which scheme and date, which reporting period."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from iom.governance.queries import quarters_to
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
        help_text="Recorded in the access log with the download, which is a disclosure of personal data.",
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
