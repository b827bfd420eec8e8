"""Impact and fairness as pure Python (shared/spec/impact.md): no Django, no files, no clock.

Offending before and after joining (`episodes`, `groups`) and the relative rate index at each
selection stage (`fairness`), shared by the web pages, the SIG report and `iom impact` /
`iom fairness`.
"""

from iom.impact.episodes import Episode, Membership, measure
from iom.impact.fairness import Row, StagedPerson, fairness
from iom.impact.groups import Group, group
from iom.impact.parameters import ImpactParameters, impact_parameters

__all__ = [
    "Episode",
    "Group",
    "ImpactParameters",
    "Membership",
    "Row",
    "StagedPerson",
    "fairness",
    "group",
    "impact_parameters",
    "measure",
]
