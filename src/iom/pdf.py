"""Printed documents (letters, minutes, reports): a template rendered to PDF with WeasyPrint."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # loads Pango: only when a PDF is asked for

    # Stylesheets named in the document (minutes.css) are found among the static files.
    return bytes(HTML(string=html, base_url=str(settings.STATICFILES_DIRS[0])).write_pdf())


def template_to_pdf(template: str, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_to_string(template, context))
