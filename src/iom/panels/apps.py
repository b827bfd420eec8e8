from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "iom.panels"
    label = "panels"
