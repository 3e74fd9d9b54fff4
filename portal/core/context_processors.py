"""Template context every page shares."""

from django.conf import settings


def portal(request):
    return {
        "MAP_TILES_URL": settings.MAP_TILES_URL,
        "MAP_TILES_ATTRIBUTION": settings.MAP_TILES_ATTRIBUTION,
    }
