/*
 * Kiosk location picker: a Leaflet map in `[data-location-picker]` fills the latitude/longitude
 * inputs named by data-lat-input / data-lng-input when clicked; the "use my location" button
 * (`[data-use-gps]`) takes the phone's GPS position. Typing in the inputs moves the marker.
 * The server checks the point (inside the village's province); this script only helps enter it.
 */
(function () {
  "use strict";

  function init() {
    var element = document.querySelector("[data-location-picker]");
    if (!element || typeof L === "undefined") {
      return;
    }
    var latInput = document.getElementById(element.dataset.latInput);
    var lngInput = document.getElementById(element.dataset.lngInput);
    var map = L.map(element, { minZoom: 5 });
    map.attributionControl.setPrefix(false);
    if (element.dataset.tilesUrl) {
      L.tileLayer(element.dataset.tilesUrl, {
        attribution: element.dataset.tilesAttribution || "",
        maxZoom: 19,
      }).addTo(map);
    }
    var marker = null;

    function place(lat, lng, pan) {
      if (marker) {
        marker.setLatLng([lat, lng]);
      } else {
        marker = L.circleMarker([lat, lng], { radius: 8, color: "#1d3557", fillOpacity: 0.8 }).addTo(map);
      }
      if (pan) {
        map.setView([lat, lng], Math.max(map.getZoom(), 15));
      }
    }

    function fill(lat, lng) {
      latInput.value = lat.toFixed(6);
      lngInput.value = lng.toFixed(6);
      place(lat, lng, false);
    }

    var lat = parseFloat(latInput.value);
    var lng = parseFloat(lngInput.value);
    if (isFinite(lat) && isFinite(lng)) {
      map.setView([lat, lng], 15);
      place(lat, lng, false);
    } else {
      map.setView([-3.8, 102.3], 8);
    }

    map.on("click", function (event) {
      fill(event.latlng.lat, event.latlng.lng);
    });
    [latInput, lngInput].forEach(function (input) {
      input.addEventListener("change", function () {
        var a = parseFloat(latInput.value);
        var b = parseFloat(lngInput.value);
        if (isFinite(a) && isFinite(b)) {
          place(a, b, true);
        }
      });
    });

    var gps = document.querySelector("[data-use-gps]");
    if (gps && navigator.geolocation) {
      gps.hidden = false;
      gps.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(
          function (position) {
            fill(position.coords.latitude, position.coords.longitude);
            map.setView([position.coords.latitude, position.coords.longitude], 16);
          },
          function () {
            window.alert(element.dataset.errorText || "Location unavailable");
          },
          { enableHighAccuracy: true, timeout: 15000 }
        );
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
