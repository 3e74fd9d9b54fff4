/*
 * The coverage map (coverage/map.html): Leaflet with three layers.
 *  - Surveys: on every move, one request to the map API for what the view shows
 *    (?bbox=west,south,east,north&zoom=z). The server answers single verified surveys coloured
 *    by their best signal when there are few enough, otherwise counts per grid cell (circles sized
 *    by count, coloured by the most frequent best signal, a tooltip with the breakdown).
 *  - Villages: their centroids coloured by connectivity status (loaded once).
 *  - Kiosks: the Warkop Digital kiosks, when the kiosk API exists.
 * Texts, colours and URLs come from the json_script named in data-coverage-map.
 */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function lookup(list) {
    var out = {};
    list.forEach(function (entry) {
      out[entry.value] = entry;
    });
    return out;
  }

  function init() {
    var element = document.querySelector("[data-coverage-map]");
    if (!element || typeof L === "undefined") {
      return;
    }
    var config = JSON.parse(document.getElementById(element.dataset.coverageMap).textContent);
    var text = config.text;
    var signals = lookup(config.signals);
    var signalOrder = config.signals.map(function (s) {
      return s.value;
    });
    var statuses = lookup(config.statuses);
    var statusLine = document.getElementById("coverage-map-status");

    var map = L.map(element, { minZoom: 5, maxZoom: 19, zoomSnap: 1 });
    map.attributionControl.setPrefix(false);
    map.setView([-3.8, 102.3], 8);
    if (config.tilesUrl) {
      L.tileLayer(config.tilesUrl, { attribution: config.tilesAttribution, maxZoom: 19 }).addTo(map);
    } else {
      element.classList.add("map-no-tiles");
    }

    // Villages under the surveys: their own pane below the overlay pane (z-index 400).
    map.createPane("villages");
    map.getPane("villages").style.zIndex = 390;
    var surveyLayer = L.layerGroup().addTo(map);
    var villageLayer = L.layerGroup().addTo(map);
    var kioskLayer = L.layerGroup();
    var overlays = {};
    overlays[text.surveys] = surveyLayer;
    overlays[text.villages] = villageLayer;
    if (config.kiosksUrl) {
      overlays[text.kiosks] = kioskLayer;
      kioskLayer.addTo(map);
    }
    L.control.layers(null, overlays, { collapsed: false, position: "topright" }).addTo(map);

    // Legend
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = L.DomUtil.create("div", "map-legend coverage-legend");
      box.appendChild(el("div", "map-legend-title", text.bestSignal));
      config.signals.forEach(function (s) {
        var row = el("div", "map-legend-row");
        var swatch = el("span", "map-legend-swatch map-legend-dot");
        swatch.style.backgroundColor = s.color;
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(s.label));
        box.appendChild(row);
      });
      box.appendChild(el("div", "map-legend-title", text.connectivity));
      config.statuses.forEach(function (s) {
        var row = el("div", "map-legend-row");
        var swatch = el("span", "map-legend-swatch map-legend-square");
        swatch.style.backgroundColor = s.color;
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(s.label));
        box.appendChild(row);
      });
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    legend.addTo(map);

    function setStatus(state, message) {
      element.dataset.mapState = state;
      statusLine.textContent = message || "";
    }

    // --- Surveys: points or cells for the current view ---
    var controller = null;
    var requestCount = 0;

    function cellTooltip(props) {
      var box = el("div", "map-tooltip");
      box.appendChild(el("strong", "", props.n + " " + text.surveysIn));
      props.c.forEach(function (count, index) {
        if (count) {
          box.appendChild(el("div", "", signals[signalOrder[index]].label + ": " + count));
        }
      });
      box.appendChild(el("div", "muted", text.zoomIn));
      return box;
    }

    function pointTooltip(props) {
      var box = el("div", "map-tooltip");
      box.appendChild(el("strong", "", text.bestSignal + ": " + signals[props.b].label));
      box.appendChild(el("div", "", text.operators + ": " + props.o));
      box.appendChild(el("div", "", text.latest + ": " + props.d));
      return box;
    }

    function dominant(counts) {
      var best = 0;
      for (var i = 1; i < counts.length; i++) {
        if (counts[i] >= counts[best]) { // ties go to the better signal
          best = i;
        }
      }
      return signalOrder[best];
    }

    // The answer's points as GeoJSON-like features, whether they came as features or as rows.
    function features(data) {
      if (!data.rows) {
        return data.features;
      }
      return data.rows.map(function (r) {
        return { geometry: { coordinates: [r[0], r[1]] }, properties: { u: r[2], b: r[3], o: r[4], d: r[5] } };
      });
    }

    function drawSurveys(data) {
      surveyLayer.clearLayers();
      var mode = data.mode;
      data.features = features(data);
      data.features.forEach(function (feature) {
        var c = feature.geometry.coordinates;
        var p = feature.properties;
        var marker;
        if (mode === "cells") {
          var radius = Math.min(22, 5 + Math.sqrt(p.n) * 1.2);
          marker = L.circleMarker([c[1], c[0]], {
            radius: radius,
            color: "#ffffff",
            weight: 1,
            fillColor: signals[dominant(p.c)].color,
            fillOpacity: 0.75,
            className: "coverage-cell",
          });
          marker.bindTooltip(cellTooltip(p));
          marker.on("click", function () {
            map.setView([c[1], c[0]], Math.min(map.getZoom() + 2, 19));
          });
        } else {
          marker = L.circleMarker([c[1], c[0]], {
            radius: 6,
            color: "#1d3557",
            weight: 1,
            fillColor: signals[p.b].color,
            fillOpacity: 0.9,
            className: "coverage-point",
          });
          marker.bindTooltip(pointTooltip(p));
          if (config.surveyUrl) { // only for those who may read single surveys
            marker.on("click", function () {
              window.location.assign(config.surveyUrl.replace("00000000-0000-0000-0000-000000000000", p.u));
            });
          }
        }
        marker.addTo(surveyLayer);
      });
      element.dataset.surveyMode = mode;
      element.dataset.surveyFeatures = String(data.features.length);
    }

    function loadSurveys() {
      if (!map.hasLayer(surveyLayer)) {
        return;
      }
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) {
        return v.toFixed(5);
      }).join(",");
      // rows=true: points as compact rows, half the bytes of GeoJSON features (features()).
      var url = config.mapUrl + "?bbox=" + bbox + "&zoom=" + Math.round(map.getZoom()) + "&rows=true";
      setStatus("loading", text.loading);
      requestCount += 1;
      fetch(url, { credentials: "same-origin", signal: controller.signal, headers: { Accept: "application/geo+json, application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          drawSurveys(data);
          element.dataset.requests = String(requestCount);
          setStatus("ready", "");
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            setStatus("error", text.error);
          }
        });
    }

    var timer = null;
    map.on("moveend", function () {
      clearTimeout(timer);
      timer = setTimeout(loadSurveys, 150);
    });
    map.on("overlayadd", function (event) {
      if (event.layer === surveyLayer) {
        loadSurveys();
      }
    });

    // --- Villages by connectivity (1,500 centroids: loaded once) ---
    fetch(config.villagesUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        data.features.forEach(function (feature) {
          var c = feature.geometry.coordinates;
          var p = feature.properties;
          var status = statuses[p.connectivity] || statuses.no_data;
          var marker = L.circleMarker([c[1], c[0]], {
            pane: "villages",
            radius: 4,
            color: "#1d3557",
            weight: 1,
            opacity: 0.6,
            fillColor: status.color,
            fillOpacity: 0.9,
            className: "village-marker village-" + p.connectivity,
          });
          var box = el("div", "map-tooltip");
          box.appendChild(el("strong", "", p.name));
          box.appendChild(el("span", "map-tooltip-code", " " + p.code));
          box.appendChild(el("div", "", text.connectivity + ": " + status.label));
          box.appendChild(el("div", "", text.surveysIn + ": " + p.survey_count + (p.latest ? " · " + text.latest + " " + p.latest : "")));
          marker.bindTooltip(box);
          marker.on("click", function () {
            window.location.assign(config.villageUrl.replace("__code__", encodeURIComponent(p.code)));
          });
          marker.addTo(villageLayer);
        });
        element.dataset.villageCount = String(data.features.length);
      })
      .catch(function () {
        setStatus("error", text.error);
      });

    // --- Kiosks ---
    if (config.kiosksUrl) {
      fetch(config.kiosksUrl, { credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : { features: [] };
        })
        .then(function (data) {
          (data.features || []).forEach(function (feature) {
            if (!feature.geometry || feature.geometry.type !== "Point") {
              return;
            }
            var c = feature.geometry.coordinates;
            var p = feature.properties || {};
            var marker = L.marker([c[1], c[0]], {
              icon: L.divIcon({ className: "kiosk-marker kiosk-" + (p.status || ""), iconSize: [16, 16] }),
            });
            var box = el("div", "map-tooltip");
            box.appendChild(el("strong", "", p.name || text.kiosks));
            if (p.status) {
              box.appendChild(el("div", "", p.status));
            }
            marker.bindTooltip(box);
            marker.addTo(kioskLayer);
          });
          element.dataset.kioskCount = String((data.features || []).length);
        })
        .catch(function () {});
    }

    loadSurveys();
    window.CoverageMap = map;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
