/*
 * The programme's status in the header of every page: "Day n of 100 · ends …" and the count of
 * unread notifications, read from the portal's status endpoint (data-programme-status). Pages
 * cost no extra query for it; without JavaScript the programme pages show the same figures.
 */
(function () {
  "use strict";

  function init() {
    var link = document.querySelector("[data-programme-status]");
    if (!link || !window.fetch) {
      return;
    }
    fetch(link.getAttribute("data-programme-status"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        if (!body) {
          return;
        }
        var day = link.querySelector("[data-programme-day]");
        var unread = link.querySelector("[data-programme-unread]");
        var shown = false;
        if (body.programme && day) {
          day.textContent = body.programme.label;
          day.title = body.programme.name;
          day.hidden = false;
          shown = true;
        }
        if (unread && body.unread > 0) {
          unread.textContent = String(body.unread);
          unread.hidden = false;
          shown = true;
        }
        if (shown) {
          link.hidden = false;
        }
      })
      .catch(function () {
        /* The header simply stays without the programme status. */
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
