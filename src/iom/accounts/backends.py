"""Password sign-in for staff: Django's own check, refusing demo users outside development."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        """Also asked for every request's session, so a demo user's session ends when demo mode is off."""
        if getattr(user, "is_demo", False) and not settings.IOM_DEMO:
            return False
        return super().user_can_authenticate(user)
