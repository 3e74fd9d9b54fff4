"""Compressed responses: pages (HTML), API answers (JSON) and map data (GeoJSON), CSV exports.

Django's GZipMiddleware, restricted to the content types that compress: it would otherwise gzip
every streamed response, photos and XLSX files (already compressed) included. Static files never
reach it: WhiteNoise, above it, answers them with its own precompressed copies.

BREACH (an attacker who can make the victim's browser send many requests, and see the sizes of
the compressed answers, guesses a secret reflected next to text of his choosing) is mitigated:
Django adds up to 100 random bytes to every gzip header (Heal The Breach, since Django 4.2), the
CSRF token in pages is masked afresh for every response, and the session and CSRF cookies are
SameSite=Lax, so another site cannot make the browser send them with the many requests an attack
needs (docs/operations.md, "Serving").
"""

from django.middleware.gzip import GZipMiddleware

#: Content types (before any `;`) that are compressed; everything else passes unchanged.
COMPRESSIBLE = frozenset(
    {
        "text/html",
        "text/plain",
        "text/csv",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/geo+json",
        "application/problem+json",
        "application/vnd.oai.openapi",
        "application/vnd.oai.openapi+json",
        "application/xml",
        "image/svg+xml",
    }
)


class CompressionMiddleware(GZipMiddleware):
    """GZipMiddleware for the COMPRESSIBLE content types only."""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if content_type not in COMPRESSIBLE:
            return response
        return super().process_response(request, response)
