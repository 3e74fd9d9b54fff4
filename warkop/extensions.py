"""What other apps add to the kiosk pages (as NetBox's template extensions do), so that warkop
imports none of them: payments, which depends on warkop, adds the services section of a kiosk's
page and the gap view's link on the list (registered in `PaymentsConfig.ready`)."""

from collections.abc import Callable

#: `section(request, kiosk, bound_forms) -> dict | None`: a section of the kiosk's page, a dict
#: naming its `template` (rendered with the page's context and the dict as `section`), or None.
#: `bound_forms` holds the forms a refused POST renders again, by name.
detail_sections: list[Callable] = []

#: `link(request) -> (url, label) | None`: a button of the kiosk list's header.
list_links: list[Callable] = []
