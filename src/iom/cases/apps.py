from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "iom.cases"
    label = "cases"
