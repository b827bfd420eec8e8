"""Recording what the feed does not carry about a person."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from iom.people.models import Movement


class MovementForm(forms.ModelForm):
    class Meta:
        model = Movement
        fields = ("kind", "on", "previous_scheme", "note")
        labels = {"kind": "What happened", "on": "When", "note": "Note"}
        widgets = {"on": forms.DateInput(attrs={"type": "date"})}

    def clean_on(self) -> Any:
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future")
        return on
