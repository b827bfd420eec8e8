"""Impact, fairness and the SIG report in the app: the figures from the records, worked by hand;
suppression; the personal export's reason; and no name anywhere the governance analyst can go."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from iom.accounts.models import Role
from iom.audit.models import AuditEvent
from iom.cases.models import Membership
from iom.people import models as m
from iom.schemes.models import Scheme
from iom.web.demo_scheme import make_schemes

pytestmark = pytest.mark.django_db
AS_OF = "2026-06-30"


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def members(count: int) -> Scheme:
    """`count` members who joined on 1 January 2026, each with two burglaries before joining
    (offences 1 October 2025) and one theft from the person after (1 March 2026)."""
    scheme = make_schemes()["derbyshire"]
    for i in range(count):
        person = m.Person.objects.create(
            local_id=f"GM-{i}",
            given_name="Gina",
            family_name=f"Member{i}",
            date_of_birth=date(1990, 1, 1),
            area="Derby City",
            sex="F",
            ethnicity="W1",
        )
        for n, (code, offence, convicted) in enumerate(
            [
                ("02803", date(2025, 10, 1), date(2025, 11, 1)),
                ("02803", date(2025, 10, 1), date(2025, 11, 1)),
                ("03900", date(2026, 3, 1), date(2026, 4, 1)),
            ]
        ):
            m.Conviction.objects.create(
                person=person,
                conviction_id=f"C{n}",
                offence_code=code,
                offence_date=offence,
                conviction_date=convicted,
            )
        Membership.objects.create(
            person=person, scheme=scheme, cohort="fixed", start=date(2026, 1, 1)
        )
    return scheme


def test_impact_page_shows_the_hand_worked_figures(signed_in: Callable[[str], Client]) -> None:
    # Each member: [1 Jan, 1 Jul 2026) is 181 days at liberty; the before period is the 181 days
    # from 4 July 2025, holding both burglaries (438 each). Five members: 10 offences before,
    # 5 after: down 50.0%; severity 4,380 then 430: down 90.2%; per 365 days at liberty over
    # 905 days: 4.03 then 2.02.
    members(5)
    page = text(signed_in(Role.GOVERNANCE_ANALYST).get(f"/impact/?as_of={AS_OF}"))
    assert "Figures as on 30 June 2026" in page
    assert "down 50.0%" in page
    assert "down 90.2%" in page
    assert "4.03, 2.02 offences" in page
    assert "4380" in page
    assert "convictions recorded by the date of the figures" in page  # the conviction lag
    assert "Gina" not in page
    assert "GM-0" not in page
    assert 'src="data:image/svg+xml;base64,' in page  # the chart beside the table


def test_fewer_than_five_members_are_not_shown(signed_in: Callable[[str], Client]) -> None:
    members(4)
    client = signed_in(Role.COORDINATOR)
    page = text(client.get(f"/impact/?as_of={AS_OF}"))
    assert "Too few members to show" in page
    assert "down 50.0%" not in page
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/impact/groups.csv?as_of={AS_OF}").content.decode())
        )
    )
    whole = next(
        r for r in rows if r["cohort"] == "" and r["area"] == "" and "Derbyshire" in r["scheme"]
    )
    assert whole["episodes"] == "<5"
    assert whole["before_count"] == ""


def test_the_impact_table_downloads_as_csv(signed_in: Callable[[str], Client]) -> None:
    members(5)
    response = signed_in(Role.GOVERNANCE_ANALYST).get(f"/impact/groups.csv?as_of={AS_OF}")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    fixed = next(r for r in rows if r["cohort"] == "fixed" and r["area"] == "")
    assert (fixed["episodes"], fixed["before_count"], fixed["after_count"]) == ("5", "10", "5")
    assert fixed["volume_change_pct"] == "-50.0"


def test_each_members_figures_need_a_reason_and_are_logged_as_a_disclosure(
    signed_in: Callable[[str], Client],
) -> None:
    members(5)
    client = signed_in(Role.COORDINATOR)
    asked = client.post(f"/impact/episodes.csv?as_of={AS_OF}", {"reason": ""})
    assert asked.status_code == 200
    assert "Enter why you need each member&#39;s figures" in asked.content.decode()
    assert "<title>Error: " in asked.content.decode()
    reason = "Evaluation for the SIG, agreed with the data protection officer"
    response = client.post(f"/impact/episodes.csv?as_of={AS_OF}", {"reason": reason})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert sorted(r["person_id"] for r in rows) == ["GM-0", "GM-1", "GM-2", "GM-3", "GM-4"]
    assert rows[0]["before_count"] == "2"
    event = AuditEvent.objects.filter(operation="disclosure").latest("id")
    assert event.reason == reason
    assert "GM-0" in event.details
    assert (
        signed_in(Role.GOVERNANCE_ANALYST)
        .post("/impact/episodes.csv", {"reason": reason})
        .status_code
        == 403
    )


def test_fairness_page_and_table(signed_in: Callable[[str], Client]) -> None:
    members(5)
    client = signed_in(Role.GOVERNANCE_ANALYST)
    page = text(client.get(f"/fairness/?as_of={AS_OF}&scheme=derbyshire"))
    assert "Reference group" in page
    assert "Gina" not in page
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/fairness/rows.csv?as_of={AS_OF}").content.decode())
        )
    )
    women = next(
        r for r in rows if (r["characteristic"], r["group"], r["stage"]) == ("sex", "F", "selected")
    )
    assert women["count"] == "5"  # all five joined
    assert women["status"] == "not_computable"  # no men to compare with


def test_sig_report_page_and_pdf(signed_in: Callable[[str], Client]) -> None:
    members(5)
    client = signed_in(Role.GOVERNANCE_ANALYST)
    query = "from=2026-04-01&to=2026-06-30"
    page = text(client.get(f"/reports/sig/?{query}"))
    assert "Period 1 April 2026 to 30 June 2026" in page
    for heading in (
        "Cohort size and flow",
        "Impact on offending",
        "Intermediate outcomes",
        "Enforcement",
        "Disproportionality",
        "What these figures cannot show",
    ):
        assert heading in page
    assert "The Fixed cohort is 100% of the adult cohorts" in page
    response = client.get(f"/reports/sig.pdf?{query}")
    assert response["Content-Type"] == "application/pdf"
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    pdf = re.sub(r"\s+", " ", pdf)
    assert "Strategic Implementation Group report" in pdf
    assert "down 50.0%" in pdf
    assert "Gina" not in pdf
    bad = client.get("/reports/sig/?from=2026-06-30&to=2026-04-01")
    assert "The period must start on or before its end" in bad.content.decode()


def test_the_governance_analyst_sees_no_name_anywhere(
    signed_in: Callable[[str], Client],
) -> None:
    """Every page the analyst can reach from the start page, followed link by link, and every
    download, searched for every demo person's name and ids."""
    from iom.web.demo import load_people, make_scheme_at_work, make_users

    make_users()
    load_people(300)
    made = make_scheme_at_work()
    assert made["members"] > 0
    people = list(m.Person.objects.all())
    names = {f"{p.given_name} {p.family_name}" for p in people} | {
        f"{p.family_name}, {p.given_name}" for p in people
    }
    ids = {p.pnc_id for p in people if p.pnc_id}
    client = signed_in(Role.GOVERNANCE_ANALYST)
    seen, queue = set(), ["/", "/impact/groups.csv", "/fairness/rows.csv", "/reports/sig.pdf"]
    while queue:
        path = queue.pop()
        if path in seen or "sign-out" in path or len(seen) > 150:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200:
            continue
        if response["Content-Type"] == "application/pdf":
            body = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        else:
            body = response.content.decode()
            queue += [
                link.replace("&amp;", "&")
                for link in re.findall(r'href="(/[^"]*)"', body)
                if not link.startswith("/static/")
            ]
        found = [n for n in names | ids if n in body]
        assert found == [], f"{path} shows {found[:3]}"
    assert {"/impact/", "/reports/sig/"} <= seen


def test_pathway_outcomes_over_time_and_the_flow(signed_in: Callable[[str], Client]) -> None:
    # Ten members join on 1 January 2026, all in temporary housing on 5 January; six are settled
    # by 1 March. At the end of March and of June: 6 of 10 settled (60%); before they joined,
    # nobody is counted. Ten joined in the January quarter.
    from iom.accounts.models import User
    from iom.cases import services as cases

    members(10)
    worker = User.objects.create_user("worker", role=Role.COORDINATOR)
    for n, member in enumerate(Membership.objects.order_by("pk")):
        cases.record_pathway(worker, member, "accommodation", "temporary", date(2026, 1, 5), "")
        if n < 6:
            cases.record_pathway(worker, member, "accommodation", "settled", date(2026, 3, 1), "")
    page = text(signed_in(Role.GOVERNANCE_ANALYST).get(f"/impact/?as_of={AS_OF}"))
    row = page.split('scope="row">Accommodation</th>')[1].split("</tr>")[0]
    assert row.count("none recorded") == 2
    assert row.count("6 of 10 (60%)") == 2
    quarter = page.split("Jan to Mar 2026</th>")[1].split("</tr>")[0]
    assert ">10<" in quarter


def _women_selected(client: Client) -> str:
    rows = csv.DictReader(
        io.StringIO(client.get(f"/fairness/rows.csv?as_of={AS_OF}").content.decode())
    )
    return next(
        r["count"]
        for r in rows
        if (r["characteristic"], r["group"], r["stage"]) == ("sex", "F", "selected")
    )


def test_stored_figures_are_read_not_worked_out_again(signed_in: Callable[[str], Client]) -> None:
    from iom.governance.models import StoredFairness
    from iom.governance.services import work_out_fairness

    scheme = members(5)
    work_out_fairness(scheme, date.fromisoformat(AS_OF), None)
    work_out_fairness(scheme, date.fromisoformat(AS_OF), None)  # a rerun replaces them
    assert StoredFairness.objects.get().screened == 5
    assert (
        AuditEvent.objects.filter(
            description="worked out the disproportionality figures of " + str(scheme),
            details__startswith=f"as of {AS_OF}; 5 people's records screened",
        ).count()
        == 2
    )
    Membership.objects.filter(person__local_id="GM-0").delete()  # after the figures were kept
    client = signed_in(Role.GOVERNANCE_ANALYST)
    page = text(client.get(f"/fairness/?as_of={AS_OF}&scheme=derbyshire"))
    assert "Worked out at " in page
    assert "Work them out again" in page
    assert _women_selected(client) == "5"  # as kept, not as now
    StoredFairness.objects.all().delete()
    assert _women_selected(client) == "<5"  # worked out in the request again: four now
    assert "Worked out at " not in text(client.get(f"/fairness/?as_of={AS_OF}"))


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection when done
def test_above_the_limit_the_page_never_screens_and_the_worker_works_them_out(
    signed_in: Callable[[str], Client], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.management import call_command

    from iom.governance import queries
    from iom.governance.models import StoredFairness
    from iom.notifications.models import Notification

    members(5)
    settings.IOM_SCREENED_IN_PAGE = 4
    screen = queries.staged_people

    def only_small_schemes(scheme: Scheme, as_of: date) -> Any:
        assert scheme.slug != "derbyshire", "its 5 people were screened in a page"
        return screen(scheme, as_of)

    monkeypatch.setattr(queries, "staged_people", only_small_schemes)
    client = signed_in(Role.GOVERNANCE_ANALYST)
    page = text(client.get(f"/fairness/?as_of={AS_OF}&scheme=derbyshire"))
    assert "Not worked out yet as on 30 June 2026. The scheme's areas hold 5 people" in page
    assert "Reference group" not in page
    report = text(client.get("/reports/sig/?from=2026-04-01&to=2026-06-30"))
    assert "Not worked out yet as on 30 June 2026" in report
    table = client.get(f"/fairness/rows.csv?as_of={AS_OF}&scheme=derbyshire").content.decode()
    assert [r["status"] for r in csv.DictReader(io.StringIO(table))] == ["not_worked_out"]

    asked = client.post("/fairness/work-out", {"as_of": AS_OF, "scheme": "derbyshire"}, follow=True)
    assert "The figures are being worked out" in text(asked)
    assert not StoredFairness.objects.exists()  # queued, not worked out in the request
    monkeypatch.setattr(queries, "staged_people", screen)
    call_command("db_worker", batch=True, verbosity=0)
    told = Notification.objects.get()
    assert told.text.startswith("Disproportionality figures worked out as on 30 June 2026: ")
    assert told.link == f"/fairness/?as_of={AS_OF}&scheme=derbyshire"
    monkeypatch.setattr(queries, "staged_people", only_small_schemes)
    page = text(client.get(told.link))
    assert "Worked out at " in page
    assert "Reference group" in page
    assert _women_selected(client) == "5"
    assert client.post("/fairness/work-out", {"as_of": "2999-01-01"}).status_code == 400


def test_the_nightly_command_keeps_each_schemes_figures() -> None:
    from typer.testing import CliRunner

    from iom.cli import app
    from iom.governance.models import StoredFairness

    members(5)
    done = CliRunner().invoke(app, ["governance", "fairness", "--as-of", AS_OF])
    assert done.exit_code == 0, done.output
    assert "5 people screened" in done.output
    assert StoredFairness.objects.filter(as_of=date.fromisoformat(AS_OF)).count() == len(
        Scheme.objects.all()
    )
    refused = CliRunner().invoke(app, ["governance", "fairness", "--as-of", AS_OF, "--scheme", "x"])
    assert refused.exit_code == 2
