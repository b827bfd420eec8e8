"""The JSON API (django-ninja) for case systems and feeds: OpenAPI schema at /api/docs."""
