"""The Jinja2 environment: GOV.UK Frontend macros, static files, URL reversing, CSRF."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils.timezone import localtime
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, select_autoescape

from iom.accounts.models import Role
from iom.impact.disclosure import shown, small
from iom.people.labels import ethnicity, exclusions


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


ROLE_NAMES = dict(Role.choices)


def role(code: str) -> str:
    """A role as people name it ('Police IOM officer'); one no longer offered, as stored."""
    return ROLE_NAMES.get(code, code) if code else "no role"


def field_kind(bound: Any) -> str:
    """How fields.html draws a Django form field."""
    widget = bound.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return str(getattr(widget, "input_type", "text"))


def select_groups(bound: Any) -> list[tuple[str | None, list[tuple[str, str, bool]]]]:
    """A select's options as fields.html draws them, in their groups (a group named None is
    not a group): (group, [(value, label, selected)]), as Django's own widget would draw them."""
    widget = bound.field.widget
    groups = widget.optgroups(bound.html_name, widget.format_value(bound.value()))
    return [
        (name, [(str(o["value"]), o["label"], o["selected"]) for o in options])
        for name, options, _ in groups
    ]


DJANGO_REQUIRED = str(forms.Field.default_error_messages["required"])


def error_text(bound: Any, message: str) -> str:
    """An error as GOV.UK words it: Django's 'This field is required.' becomes 'Enter outcome' or
    'Select worker', naming the field; every other message is the form's own."""
    if str(message) != DJANGO_REQUIRED:
        return str(message)
    label = str(bound.label)
    if label.endswith("?"):
        return f"Answer this question: {label}"
    what = label if label[1:2].isupper() else label[:1].lower() + label[1:]
    chosen = isinstance(
        bound.field, forms.ChoiceField | forms.ModelChoiceField | forms.BooleanField
    )
    return f"{'Select' if chosen else 'Enter'} {what}"


def field_value(bound: Any) -> str:
    """A field's value as its input shows it (dates as YYYY-MM-DD for date inputs)."""
    value = bound.value()
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class Site:
    """The names a page shows, from settings: the service and the partnership that runs it."""

    @property
    def service(self) -> str:
        return str(settings.IOM_SERVICE_NAME)

    @property
    def partnership(self) -> str:
        return str(settings.IOM_PARTNERSHIP_NAME)

    @property
    def source(self) -> str:
        return str(settings.IOM_SOURCE_URL)


def day(value: date | None) -> str:
    """One date format wherever a person reads a date: 23 August 2026."""
    return f"{value:%-d %B %Y}" if value else ""


def when(value: datetime | None) -> str:
    """A moment, in local time: 23 August 2026, 14:05."""
    return f"{localtime(value):%-d %B %Y, %H:%M}" if value else ""


def isodate(value: str | None) -> date | None:
    """A date written YYYY-MM-DD in a rule's evidence, as a date for `day`."""
    return date.fromisoformat(value) if value else None


def contact_kind(value: str) -> str:
    from iom.cases.models import ContactKind

    return str(ContactKind(value).label) if value in ContactKind.values else value


def next_step(code: str) -> str:
    from iom.rules.exits import NEXT_STEPS

    return NEXT_STEPS.get(code, code)


def change(pct: float | None) -> str:
    """A percentage change in words: 'down 33.8%', 'up 2.5%', 'no change'; no base, 'no figure before'."""
    if pct is None:
        return "no offences before to compare with"
    if pct == 0:
        return "no change"
    return f"{'down' if pct < 0 else 'up'} {abs(pct):.1f}%"


def share(part: int, whole: int) -> str:
    """'12 of 40 (30%)', with counts of 1 to 4 people suppressed."""
    if whole == 0:
        return "none recorded"
    if small(part) or small(whole):
        return f"{shown(part)} of {shown(whole)}"
    return f"{part} of {whole} ({round(100 * part / whole)}%)"


def chosen_filters(form: Any) -> list[dict[str, str]]:
    """The filters a bound form applies, in words, each with the query that drops it (the MoJ
    filter's selected-filter tags)."""
    if not form.is_bound or not form.is_valid():
        return []
    chosen = []
    for name, value in form.cleaned_data.items():
        if value in (None, "", False):
            continue
        field = form.fields[name]
        if hasattr(field, "label_from_instance"):
            text = field.label_from_instance(value)
        elif hasattr(field, "choices"):
            text = dict(field.choices).get(value, value)
        else:
            text = "Yes" if value is True else str(value)
        rest = form.data.copy()
        rest.pop(name, None)
        chosen.append({"label": str(field.label), "text": str(text), "query": rest.urlencode()})
    return chosen


def environment(**options: Any) -> Environment:
    ours = options.pop("loader")  # Django's FileSystemLoader over TEMPLATES["DIRS"]
    options["loader"] = ChoiceLoader(
        [ours, PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]
    )
    options.setdefault("autoescape", select_autoescape())
    options["extensions"] = [*options.get("extensions", []), "jinja2.ext.do"]
    env = Environment(**options)
    # csrf_input comes from Django.
    env.globals.update(
        static=static,
        url=url,
        field_kind=field_kind,
        field_value=field_value,
        select_groups=select_groups,
        error_text=error_text,
        chosen_filters=chosen_filters,
        get_messages=get_messages,
        site=Site(),
    )
    env.filters["day"] = day
    env.filters["when"] = when
    env.filters["ethnicity"] = ethnicity
    env.filters["exclusions"] = exclusions
    env.filters["role"] = role
    env.filters["isodate"] = isodate
    env.filters["contact_kind"] = contact_kind
    env.filters["next_step"] = next_step
    env.filters["shown"] = shown
    env.filters["change"] = change
    env.filters["share"] = share
    return env
