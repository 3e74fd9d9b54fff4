/*
 * Portal maps: draws a GeoJSON layer of the portal's own API into any element marked `data-map`.
 *
 *   <div class="map" data-map
 *        data-geojson-url="/api/v1/districts/geojson/?province=17"   (required, same origin)
 *        data-color-property="has_pilot"          (feature property that picks the colour)
 *        data-config="id-of-a-json_script"        (colours, legend, tooltip rows, link; optional)
 *        data-link-template="/registry/districts/__code__/"   (click target; __code__ = code)
 *        data-highlight="17.01.01.2001"           (feature to outline and zoom to; optional)
 *        data-tiles-url="https://…/{z}/{x}/{y}.png" data-tiles-attribution="…"></div>
 *
 * The config object (rendered server-side with `json_script`, so already translated):
 *   { colorProperty, colors: {"true": "#…", …}, defaultColor, legendTitle,
 *     legend: [{color, label}], legendPosition: "topright" (a Leaflet control corner),
 *     tooltip: [{property, label, lookup: {value: text}}],
 *     titleProperty: "name", linkTemplate }
 * Data attributes win over the config. Base tiles are optional: without a tiles URL, or when
 * tiles fail to load, the portal's own layer still draws. After loading, the element gets
 * `data-map-state="ready"` (or "error") and `data-feature-count`; a `portal:map-ready` event
 * carries {map, layer} for pages that want to add more.
 *
 * Leaflet itself comes from django-leaflet's static files (global `L`).
 */
(function () {
  "use strict";

  var DEFAULT_COLOR = "#8c99a6";
  var HIGHLIGHT_COLOR = "#1d3557";

  function readConfig(element) {
    var config = {};
    var scriptId = element.dataset.config;
    if (scriptId) {
      var script = document.getElementById(scriptId);
      if (script) {
        try {
          config = JSON.parse(script.textContent) || {};
        } catch (error) {
          console.error("map.js: bad JSON config in #" + scriptId, error);
        }
      }
    }
    var data = element.dataset;
    return {
      url: data.geojsonUrl,
      colorProperty: data.colorProperty || config.colorProperty || null,
      colors: config.colors || {},
      defaultColor: config.defaultColor || DEFAULT_COLOR,
      legendTitle: config.legendTitle || "",
      legend: config.legend || [],
      legendPosition: data.legendPosition || config.legendPosition || "topright",
      tooltip: config.tooltip || [],
      titleProperty: config.titleProperty || "name",
      linkTemplate: data.linkTemplate || config.linkTemplate || "",
      highlight: data.highlight || config.highlight || "",
      tilesUrl: data.tilesUrl || "",
      tilesAttribution: data.tilesAttribution || "",
      loadingText: data.loadingText || "",
      errorText: data.errorText || "",
    };
  }

  /* "true"/"false"/"null" keys let JSON configs name any property value. */
  function key(value) {
    return value === undefined || value === null ? "null" : String(value);
  }

  function colorFor(feature, config) {
    if (!config.colorProperty) {
      return config.defaultColor;
    }
    var value = key(feature.properties[config.colorProperty]);
    return config.colors[value] || config.defaultColor;
  }

  /* Tooltip as DOM nodes, never HTML strings: names come from data. */
  function tooltipFor(feature, config) {
    var props = feature.properties || {};
    var box = document.createElement("div");
    box.className = "map-tooltip";
    var title = document.createElement("strong");
    title.textContent = props[config.titleProperty] || props.code || "";
    box.appendChild(title);
    if (props.code && config.titleProperty !== "code") {
      var code = document.createElement("span");
      code.className = "map-tooltip-code";
      code.textContent = " " + props.code;
      box.appendChild(code);
    }
    config.tooltip.forEach(function (row) {
      var value = props[row.property];
      var lookup = row.lookup || {};
      var text = Object.prototype.hasOwnProperty.call(lookup, key(value))
        ? lookup[key(value)]
        : value === undefined || value === null
          ? "–"
          : String(value);
      var line = document.createElement("div");
      var label = document.createElement("span");
      label.className = "map-tooltip-label";
      label.textContent = row.label + ": ";
      line.appendChild(label);
      line.appendChild(document.createTextNode(text));
      box.appendChild(line);
    });
    return box;
  }

  function addLegend(map, config) {
    if (!config.legend.length) {
      return;
    }
    var legend = L.control({ position: config.legendPosition });
    legend.onAdd = function () {
      var box = L.DomUtil.create("div", "map-legend");
      if (config.legendTitle) {
        var title = L.DomUtil.create("div", "map-legend-title", box);
        title.textContent = config.legendTitle;
      }
      config.legend.forEach(function (entry) {
        var row = L.DomUtil.create("div", "map-legend-row", box);
        var swatch = L.DomUtil.create("span", "map-legend-swatch", row);
        swatch.style.backgroundColor = entry.color; // CSSOM, allowed by a strict CSP
        row.appendChild(document.createTextNode(entry.label));
      });
      return box;
    };
    legend.addTo(map);
  }

  function setStatus(element, state, text) {
    element.dataset.mapState = state;
    var status = element.querySelector(".map-status");
    if (!status) {
      status = document.createElement("div");
      status.className = "map-status";
      status.setAttribute("role", "status");
      element.appendChild(status);
    }
    status.textContent = text || "";
    status.hidden = !text;
  }

  /**
   * Build a map in `element` from its data attributes. Returns the Leaflet map; the GeoJSON layer
   * arrives asynchronously (see `portal:map-ready`).
   */
  function buildMap(element) {
    if (element._portalMap) {
      return element._portalMap;
    }
    var config = readConfig(element);
    var map = L.map(element, {
      zoomControl: true,
      attributionControl: true,
      minZoom: 5,
      zoomSnap: 0.25,
    });
    element._portalMap = map;
    map.setView([-3.8, 102.3], 8); // Bengkulu until the layer's bounds are known
    map.attributionControl.setPrefix(false);

    if (config.tilesUrl) {
      L.tileLayer(config.tilesUrl, {
        attribution: config.tilesAttribution,
        maxZoom: 18,
      }).addTo(map);
    } else {
      element.classList.add("map-no-tiles");
    }
    addLegend(map, config);

    if (!config.url) {
      setStatus(element, "ready", "");
      return map;
    }
    setStatus(element, "loading", config.loadingText);
    fetch(config.url, {
      credentials: "same-origin",
      headers: { Accept: "application/geo+json, application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        var highlighted = null;
        var layer = L.geoJSON(data, {
          style: function (feature) {
            var isHighlight = config.highlight && feature.properties.code === config.highlight;
            return {
              color: isHighlight ? HIGHLIGHT_COLOR : "#ffffff",
              weight: isHighlight ? 3 : 1,
              fillColor: colorFor(feature, config),
              fillOpacity: isHighlight ? 0.85 : 0.6,
            };
          },
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, { radius: 6 });
          },
          onEachFeature: function (feature, featureLayer) {
            featureLayer.bindTooltip(tooltipFor(feature, config), { sticky: true });
            if (config.highlight && feature.properties.code === config.highlight) {
              highlighted = featureLayer;
            }
            if (config.linkTemplate && feature.properties.code) {
              featureLayer.on("click", function () {
                window.location.assign(
                  config.linkTemplate.replace("__code__", encodeURIComponent(feature.properties.code))
                );
              });
            }
            featureLayer.on("mouseover", function () {
              featureLayer.setStyle({ weight: 3 });
              if (featureLayer.bringToFront) {
                featureLayer.bringToFront();
              }
            });
            featureLayer.on("mouseout", function () {
              layer.resetStyle(featureLayer);
            });
          },
        }).addTo(map);
        var focus = highlighted || layer;
        var bounds = focus.getBounds ? focus.getBounds() : null;
        if (bounds && highlighted) {
          bounds = bounds.pad(0.6); // show the neighbours around the highlighted unit
        }
        if (bounds && bounds.isValid()) {
          map.fitBounds(bounds, { padding: [12, 12], maxZoom: 14, animate: false });
        }
        if (highlighted && highlighted.bringToFront) {
          highlighted.bringToFront();
        }
        element.dataset.featureCount = String((data.features || []).length);
        setStatus(element, "ready", "");
        element.dispatchEvent(
          new CustomEvent("portal:map-ready", { detail: { map: map, layer: layer } })
        );
      })
      .catch(function (error) {
        console.error("map.js: could not load " + config.url, error);
        setStatus(element, "error", config.errorText || String(error));
      });
    return map;
  }

  window.PortalMap = { build: buildMap };

  function init() {
    if (typeof L === "undefined") {
      console.error("map.js: Leaflet is not loaded");
      return;
    }
    document.querySelectorAll("[data-map]").forEach(buildMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
