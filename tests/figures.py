"""Requests that compute their figures afresh.

Pages and API lists are read from the figures cache (portal/core/datacache.py): a second request
for the same page at the same version of the data renders the kept HTML and its template context
holds no figures, and costs fewer queries. Tests that read `response.context`, or count the
queries of computing a page, ask through `computed`, which empties the cache first.
"""

from django.core.cache import cache


def computed(client, url, *args, **kwargs):
    """`client.get(url, ...)` with the figures cache emptied first."""
    cache.clear()
    return client.get(url, *args, **kwargs)
