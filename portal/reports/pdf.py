"""A report's print page rendered to PDF by WeasyPrint, without a browser and without the
network: the only files it may read are the portal's own static files, from disk. WeasyPrint is
imported when a PDF is made, not when the portal starts."""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation

BASE_URL = "https://portal.invalid/"
PDF_CSS = "reports/print.css"


def pdf_css_url() -> str:
    """The stylesheet of the PDF by its source name under STATIC_URL (read from disk)."""
    return "/" + settings.STATIC_URL.strip("/") + "/" + PDF_CSS


def static_file(url: str) -> bytes:
    """The bytes of a `/static/…` file of the portal named by `url`; anything else (another
    host, a local file path, a file that is not a static file) is refused."""
    parsed = urlparse(url)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if parsed.scheme != "https" or parsed.netloc != "portal.invalid":
        raise ValueError(f"refused: {url}")
    if not parsed.path.startswith(prefix):
        raise ValueError(f"refused: {url}")
    try:
        found = finders.find(parsed.path[len(prefix) :])
    except SuspiciousFileOperation:
        found = None
    if not found:
        raise ValueError(f"not a static file: {url}")
    return Path(found).read_bytes()


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            # Without its type a stylesheet is ignored ("Unsupported stylesheet type").
            kind = mimetypes.guess_type(urlparse(url).path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=static_file(url), headers={"Content-Type": kind})

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
