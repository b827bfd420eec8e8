from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "iom.referrals"
    label = "referrals"
