"""The SIG report as a PDF: the page's own figures, printed."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from iom.pdf import template_to_pdf


def sig_pdf(report: dict[str, Any]) -> bytes:
    context = {"report": report, "partnership": settings.IOM_PARTNERSHIP_NAME}
    return template_to_pdf("governance/sig_document.html", context)
