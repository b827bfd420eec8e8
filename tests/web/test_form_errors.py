"""Errors as GOV.UK words them (iom.web.jinja2.error_text): a missing answer names its field."""

from __future__ import annotations

from django import forms

from iom.web.jinja2 import error_text


class Example(forms.Form):
    outcome = forms.CharField(label="Outcome")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A")])
    ogrs = forms.IntegerField(label="OGRS score")
    why = forms.CharField(label="Why do you need it?")
    reason = forms.CharField(label="Reason", error_messages={"required": "Say why you ask"})
    agreed = forms.BooleanField(label="Agreed by both agencies")


def test_a_missing_answer_is_asked_for_by_name() -> None:
    form = Example(data={})
    assert not form.is_valid()
    said = {name: error_text(form[name], form.errors[name][0]) for name in form.errors}
    assert said == {
        "outcome": "Enter outcome",
        "kind": "Select kind",
        "ogrs": "Enter OGRS score",
        "why": "Answer this question: Why do you need it?",
        "reason": "Say why you ask",
        "agreed": "Select agreed by both agencies",
    }


def test_other_errors_are_the_forms_own() -> None:
    form = Example(data={"kind": "z"})
    assert error_text(form["kind"], form.errors["kind"][0]).startswith("Select a valid choice")
