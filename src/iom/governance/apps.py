from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "iom.governance"
    label = "governance"
    verbose_name = "Impact, fairness and governance reports"
