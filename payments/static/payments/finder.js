/*
 * The public finder, kept small for cheap phones. The page works without it; with it:
 *  - "Near me" asks the browser for its location and posts it (lat/lng) with the chosen service;
 *  - "Show on a map" loads Leaflet and the portal's map.js only when asked, then draws the results.
 */
(function () {
  "use strict";

  function nearMe() {
    var form = document.querySelector("[data-near-form]");
    var search = document.querySelector("[data-finder]");
    if (!form || !search || !navigator.geolocation) {
      return;
    }
    form.hidden = false;
    var button = form.querySelector("[data-near-button]");
    var status = form.querySelector("[data-near-status]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var service = search.querySelector("select[name=layanan]").value;
      if (!service) {
        status.textContent = button.dataset.chooseText;
        return;
      }
      form.querySelector("input[name=layanan]").value = service;
      status.textContent = button.dataset.waitText;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.querySelector("input[name=lat]").value = position.coords.latitude.toFixed(6);
          form.querySelector("input[name=lng]").value = position.coords.longitude.toFixed(6);
          form.submit();
        },
        function () {
          status.textContent = button.dataset.errorText;
        },
        { enableHighAccuracy: false, timeout: 20000, maximumAge: 300000 }
      );
    });
  }

  function load(tag, attrs) {
    return new Promise(function (resolve, reject) {
      var node = document.createElement(tag);
      Object.keys(attrs).forEach(function (name) {
        node[name] = attrs[name];
      });
      node.onload = resolve;
      node.onerror = reject;
      document.head.appendChild(node);
    });
  }

  function lazyMap() {
    var button = document.querySelector("[data-show-map]");
    var element = document.querySelector("[data-lazy-map]");
    if (!button || !element) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      element.hidden = false;
      load("link", { rel: "stylesheet", href: element.dataset.leafletCss })
        .then(function () {
          return load("script", { src: element.dataset.leafletJs });
        })
        .then(function () {
          element.setAttribute("data-map", "");
          return load("script", { src: element.dataset.mapJs });
        })
        .then(function () {
          button.hidden = true;
        })
        .catch(function () {
          element.textContent = element.dataset.errorText;
        });
    });
  }

  function init() {
    nearMe();
    lazyMap();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
