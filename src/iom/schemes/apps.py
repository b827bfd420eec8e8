from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "iom.schemes"
    label = "schemes"
