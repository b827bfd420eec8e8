from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "iom.notifications"
    label = "notifications"
