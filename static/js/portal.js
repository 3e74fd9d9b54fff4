/*
 * Small progressive enhancements of the portal's pages; every page works without them.
 *  - the language selector submits itself (its button stays for no-JS use, hidden here);
 *  - the navigation folds behind a menu button on narrow screens;
 *  - forms marked `data-confirm="…"` ask before submitting.
 */
(function () {
  "use strict";

  function init() {
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      var button = form.querySelector("[data-autosubmit-button]");
      if (button) {
        button.hidden = true;
      }
      form.querySelectorAll("select").forEach(function (select) {
        select.addEventListener("change", function () {
          form.submit();
        });
      });
    });

    var toggle = document.querySelector("[data-nav-toggle]");
    var nav = document.getElementById(toggle ? toggle.getAttribute("aria-controls") : "");
    if (toggle && nav) {
      document.documentElement.classList.add("js-nav");
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") === "true";
        toggle.setAttribute("aria-expanded", open ? "false" : "true");
        nav.classList.toggle("is-open", !open);
      });
    }

    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) {
          event.preventDefault();
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
