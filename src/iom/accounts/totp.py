"""Small helpers around django-otp's TOTP devices."""

from __future__ import annotations

import base64

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator_key(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in (base32, no padding)."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
