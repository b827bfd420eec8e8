"""Start Django from the `iom` command line."""

from __future__ import annotations

import os


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iom.web.settings")
    import django

    django.setup()
