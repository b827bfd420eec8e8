"""The selection rules of each IOM scheme as pure Python: no Django, no files, no clock.

from iom.rules import assess, load_policy, person_from_json, load_catalogue
assessment = assess(person_from_json(record, load_catalogue()), load_policy("derbyshire-2021"), as_of)
"""

from iom.rules.assess import assess
from iom.rules.catalogue import Catalogue, UnknownOffence, load_catalogue
from iom.rules.model import Assessment, Conviction, CustodyPeriod, Ogrs, Person, Reason
from iom.rules.policy import Policy, PolicyError, available_policies, load_policy, load_policy_file
from iom.rules.records import InvalidRecord, RecordError, check_person, person_from_json

__all__ = [
    "Assessment",
    "Catalogue",
    "Conviction",
    "CustodyPeriod",
    "InvalidRecord",
    "Ogrs",
    "Person",
    "Policy",
    "PolicyError",
    "Reason",
    "RecordError",
    "UnknownOffence",
    "assess",
    "available_policies",
    "check_person",
    "load_catalogue",
    "load_policy",
    "load_policy_file",
    "person_from_json",
]
