from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "iom.audit"
    label = "audit"
