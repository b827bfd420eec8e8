from __future__ import annotations

from typing import Any

from django import forms

from iom.accounts.models import Agency, AgencyKind, Role, User


class SignInForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150)
    password = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="Code from your authenticator app",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip()


class UserForm(forms.ModelForm):
    """An account's details; the agencies and roles offered depend on who administers it."""

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email", "role", "agency", "schemes")
        widgets = {"schemes": forms.CheckboxSelectMultiple}
        labels = {"first_name": "First name", "last_name": "Last name", "email": "Email address"}

    def __init__(self, *args: Any, admin: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].required = True
        self.fields["email"].required = True
        if admin.role != Role.SYSTEM_ADMIN:
            self.fields["agency"].queryset = Agency.objects.filter(pk=admin.agency_id)
            self.fields["role"].choices = [
                (value, label) for value, label in Role.choices if value != Role.SYSTEM_ADMIN
            ]
        else:
            self.fields["agency"].queryset = Agency.objects.order_by("name")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why", max_length=300, help_text="Kept in the access log with the change."
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label="New password",
        widget=forms.PasswordInput,
        strip=False,
        help_text="At least 12 characters; not a common password, nor like your name.",
    )
    again = forms.CharField(label="The new password again", widget=forms.PasswordInput, strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("again"):
            raise forms.ValidationError("The two passwords are not the same")
        return data


class AgencyForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=AgencyKind.choices)

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if Agency.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError("There is already an agency with this name")
        return name


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label="What the key is for", max_length=100, help_text="For example: the case system feed"
    )
    days = forms.IntegerField(
        label="Days it works for", min_value=1, max_value=90, initial=30, help_text="At most 90"
    )
