"""The API: people and their assessments, memberships and referrals as each role may read them,
and person records in through the importer. Each caller uses their own expiring key (a Bearer
token made on the API keys page); every call is in the access log, as in the app."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer
from pydantic import AfterValidator

from iom.accounts.access import staff_view
from iom.accounts.permissions import allowed
from iom.accounts.services import user_for_key
from iom.audit.models import Operation
from iom.audit.service import listing, record
from iom.cases import queries as cases
from iom.cases.models import Membership
from iom.errors import NotAllowed
from iom.people import models as m
from iom.people.importer import import_records
from iom.people.records import to_rules
from iom.referrals import services as referral_services
from iom.referrals.models import Referral
from iom.referrals.queries import visible_referrals
from iom.rules import assess, load_catalogue
from iom.schemes.models import Scheme


class KeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_key(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="iom",
    version="1",
    description="Integrated Offender Management: people, assessments, memberships, referrals.",
    auth=KeyAuth(),
    urls_namespace="api",
    docs_url=None,  # our own page (iom.api.views): Swagger UI's scripts would break the CSP
    docs_decorator=staff_view("view_home"),  # the schema for signed-in staff
)


def _may(request: HttpRequest, action: str, obj: Any = None) -> None:
    user: Any = request.user
    if not allowed(user.role, action) or (
        obj is not None and not user.has_perm(f"iom.{action}", obj)
    ):
        record(user, Operation.REFUSED, "api", "", f"refused {action}", details=request.path[:300])
        raise HttpError(
            404 if obj is not None else 403, "Not found" if obj is not None else "Not allowed"
        )


class PersonOut(Schema):
    id: str
    pnc_id: str | None
    given_name: str
    family_name: str
    date_of_birth: date
    area: str


class MembershipOut(Schema):
    person_id: str
    scheme: str
    cohort: str
    status: str
    start: date
    end: date | None


class ReferralOut(Schema):
    id: int
    person_id: str
    scheme: str
    state: str
    trigger: str
    referred_on: date


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    rejected: int
    problems: list[str]


def _person(request: HttpRequest, local_id: str) -> m.Person:
    if "\x00" in local_id:  # no one's id holds one, and PostgreSQL cannot be asked about it
        raise HttpError(404, "Not Found")
    person = get_object_or_404(m.Person, local_id=local_id)
    _may(request, "view_person", person)
    return person


@api.get("/people/{local_id}", response=PersonOut, summary="One person's record")
def person(request: HttpRequest, local_id: str) -> dict[str, Any]:
    found = _person(request, local_id)
    record(request.user, Operation.CONSULTATION, "person", found.pk, f"API: read {found.local_id}")
    return {
        "id": found.local_id,
        "pnc_id": found.pnc_id,
        "given_name": found.given_name,
        "family_name": found.family_name,
        "date_of_birth": found.date_of_birth,
        "area": found.area,
    }


@api.get("/people/{local_id}/assessments", summary="What each scheme's rules say, with reasons")
def assessments(
    request: HttpRequest, local_id: str, as_of: date | None = None
) -> list[dict[str, Any]]:
    found = _person(request, local_id)
    day = min(as_of or timezone.localdate(), timezone.localdate())
    record(
        request.user, Operation.CONSULTATION, "person", found.pk, f"API: assessed {found.local_id}"
    )
    rules_person, catalogue = to_rules(found), load_catalogue()
    return [
        {"scheme": s.slug, **assess(rules_person, s.policy(), day, catalogue).to_json()}
        for s in Scheme.objects.order_by("name")
    ]


@api.get("/memberships", response=list[MembershipOut], summary="Members on the scheme")
def memberships(request: HttpRequest) -> list[dict[str, Any]]:
    _may(request, "view_cohort")
    members = cases.visible(
        request.user, Membership.objects.current().select_related("person", "scheme")
    )
    record(
        request.user,
        Operation.CONSULTATION,
        "cohort",
        "",
        "API: read the cohort",
        details=listing(mm.person_id for mm in members),
    )
    return [
        {
            "person_id": mm.person.local_id,
            "scheme": mm.scheme.slug,
            "cohort": mm.cohort,
            "status": mm.status,
            "start": mm.start,
            "end": mm.end_on,
        }
        for mm in members
    ]


@api.get("/referrals", response=list[ReferralOut], summary="Referrals")
def referrals(request: HttpRequest) -> list[dict[str, Any]]:
    _may(request, "view_referrals")
    found = list(visible_referrals(request.user).order_by("-referred_on", "-pk")[:1000])
    record(
        request.user,
        Operation.CONSULTATION,
        "referral",
        "",
        "API: read referrals",
        details=listing(r.pk for r in found),
    )
    return [
        {
            "id": r.pk,
            "person_id": r.person.local_id,
            "scheme": r.scheme.slug,
            "state": r.state,
            "trigger": r.trigger,
            "referred_on": r.referred_on,
        }
        for r in found
    ]


@api.post("/people", response=ImportOut, summary="Person records in, checked as an import is")
def import_people(request: HttpRequest, records: list[dict[str, Any]]) -> dict[str, Any]:
    _may(request, "import_people")
    if len(records) > 1000:
        raise HttpError(413, "At most 1,000 records a call; send a file to `iom import` for more")
    run = import_records(records, request.user, label="API")
    problems = [
        f"{p.person or 'line ' + str(p.line)}: {p.field}: {p.reason}" for p in run.problems.all()
    ]
    return {
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "rejected": run.rejected,
        "problems": problems,
    }


def no_nul(value: Any) -> Any:
    """Text may not hold a NUL character (PostgreSQL cannot store one), at any depth."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain a NUL character")
    if isinstance(value, dict):
        for key, item in value.items():
            no_nul(key)
            no_nul(item)
    if isinstance(value, list):
        for item in value:
            no_nul(item)
    return value


Text = Annotated[str, AfterValidator(no_nul)]


class ReferralIn(Schema):
    person_id: Text
    scheme: Text
    iom_offer: Text
    offender_manager: Text | None = None  # a username
    # Any other question of the referral form, by its field name.
    answers: Annotated[dict[str, Any], AfterValidator(no_nul)] = Field(default_factory=dict)


class ReferralMade(Schema):
    id: int
    state: str


@api.post("/referrals", response=ReferralMade, summary="Refer a person, as the form does")
def refer(request: HttpRequest, given: ReferralIn) -> dict[str, Any]:
    user: Any = request.user
    person = _person(request, given.person_id)
    scheme = get_object_or_404(Scheme, slug=given.scheme)
    _may(request, "make_referral", Referral(person=person, scheme=scheme))  # a youth scheme's rule
    try:
        referral = referral_services.submit_answers(user, person, scheme, given.dict())
    except NotAllowed as problem:
        raise HttpError(422, str(problem)) from None
    return {"id": referral.pk, "state": referral.state}
