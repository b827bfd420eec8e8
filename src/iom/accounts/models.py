"""Agencies, staff users and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django_otp.models import Device


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    PROBATION = "probation", "Probation"
    YOUTH_JUSTICE = "youth_justice", "Youth justice service"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    PRISON = "prison", "Prison"
    HEALTH = "health", "Health and treatment provider"
    OTHER = "other", "Other"


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "IOM coordinator"
    POLICE_IOM_OFFICER = "police_iom_officer", "Police IOM officer"
    POLICE_INTELLIGENCE = "police_intelligence", "Police intelligence officer"
    PCSO = "pcso", "PCSO"
    PROBATION_OM = "probation_om", "Probation offender manager"
    YJS_CASE_MANAGER = "yjs_case_manager", "YJS case manager"
    MAIT_ANALYST = "mait_analyst", "Multi-agency intelligence analyst"
    PANEL_CHAIR = "panel_chair", "Panel chair"
    GOVERNANCE_ANALYST = "governance_analyst", "Governance analyst"
    SYSTEM_ADMIN = "system_admin", "System administrator"


class Agency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)

    class Meta:
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, related_name="staff")
    role = models.CharField(max_length=30, choices=Role.choices)
    # Sessions that began before this moment are ended ("sign out everywhere").
    sessions_valid_from = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(
        default=False, help_text="Made by `iom demo`; refused outside development"
    )
    schemes = models.ManyToManyField(
        "schemes.Scheme",
        blank=True,
        related_name="staff",
        help_text="The schemes this person works on: their rules are shown first",
    )
    must_change_password = models.BooleanField(
        default=False, help_text="Asked for a new password at the next sign-in"
    )

    def sign_out_everywhere(self) -> None:
        self.sessions_valid_from = timezone.now()
        self.save(update_fields=["sessions_valid_from"])


class ApiToken(models.Model):
    """A user's key for the API: shown once when made, stored only as a hash, expires, revocable."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What it is for, e.g. the case system feed")
    prefix = models.CharField(max_length=12, help_text="The first characters, to tell keys apart")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now() and self.user.is_active


class ProviderDevice(Device):
    """The second factor of the force's identity provider, when it says one was used at sign-in.

    It stands in django-otp's session for an authenticator on this site: it proves nothing by
    itself and never accepts a code here (`iom.accounts.views.SingleSignOnCallback` uses it).
    """

    def verify_token(self, token: object) -> bool:
        return False
