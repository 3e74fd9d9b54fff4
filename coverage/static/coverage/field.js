/*
 * The coverage field form: works with no signal once opened.
 *
 *  - registers the service worker (coverage/field/sw.js) that keeps this page and its assets;
 *  - takes the position from the browser and suggests the nearest village;
 *  - "Save survey" puts the survey (and its photos) into an outbox in IndexedDB, with a UUID made
 *    here: the server stores a UUID once, so sending twice never duplicates;
 *  - sends the outbox when the connection returns (and on "Send now"), one survey at a time, and
 *    deletes a survey from the outbox only after the server confirmed it (201 or 200);
 *  - a session that expired or a stale CSRF token (401/403) stops sending and asks the officer to
 *    log in again; the surveys stay in the outbox; a 409 (the UUID holds another survey) or a 400
 *    keeps the survey with the server's answer;
 *  - the outbox can be saved to a file and loaded again (on this or another device).
 *
 * Page data (villages, texts, URLs) comes from the json_script #field-config.
 */
(function () {
  "use strict";

  var DB_NAME = "coverage-field";
  var STORE = "outbox";
  var FILE_FORMAT = "bengkulu-coverage-outbox";
  var OPERATORS = ["telkomsel", "indosat", "xl", "smartfren", "other"];
  var config, text, db;
  var sending = false;

  // --- IndexedDB -------------------------------------------------------------------------------

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "client_uuid" });
      };
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  function tx(mode, work) {
    return new Promise(function (resolve, reject) {
      var transaction = db.transaction(STORE, mode);
      var store = transaction.objectStore(STORE);
      var result = work(store);
      transaction.oncomplete = function () {
        resolve(result && "result" in result ? result.result : result);
      };
      transaction.onerror = function () {
        reject(transaction.error);
      };
      transaction.onabort = function () {
        reject(transaction.error);
      };
    });
  }

  function allItems() {
    return tx("readonly", function (store) {
      return store.getAll();
    }).then(function (items) {
      return (items || []).sort(function (a, b) {
        return a.saved_at < b.saved_at ? -1 : 1;
      });
    });
  }

  function putItem(item) {
    return tx("readwrite", function (store) {
      store.put(item);
    });
  }

  function deleteItem(uuid) {
    return tx("readwrite", function (store) {
      store.delete(uuid);
    });
  }

  // --- Helpers ---------------------------------------------------------------------------------

  function uuid4() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function csrfToken() {
    // Read at send time: logging in again rotates the token, and the cookie has the new one.
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      return decodeURIComponent(match[1]);
    }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function $(id) {
    return document.getElementById(id);
  }

  function showMessage(message, kind, link) {
    var box = $("field-message");
    box.textContent = message;
    box.className = "field-message field-message-" + (kind || "info");
    if (link) {
      box.appendChild(document.createTextNode(" "));
      var a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      a.className = "button button-small";
      box.appendChild(a);
    }
    box.hidden = !message;
  }

  function numberOrNull(value) {
    value = String(value || "").trim().replace(",", ".");
    if (!value) {
      return null;
    }
    var n = Number(value);
    return isNaN(n) ? NaN : n;
  }

  function localNow() {
    var now = new Date();
    now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
    return now.toISOString().slice(0, 16);
  }

  // --- Villages ------------------------------------------------------------------------------------

  function fillDistricts() {
    var select = $("f-district");
    config.districts.forEach(function (row) {
      var option = document.createElement("option");
      option.value = row[0];
      option.textContent = row[1] + " (" + row[2] + ")";
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      fillVillages(select.value, "");
    });
  }

  function fillVillages(district, selected) {
    var select = $("f-village");
    select.length = 1;
    config.villages.forEach(function (row) {
      if (row[2] !== district) {
        return;
      }
      var option = document.createElement("option");
      option.value = row[0];
      option.textContent = row[1];
      option.selected = row[0] === selected;
      select.appendChild(option);
    });
  }

  function nearestVillage(lat, lng) {
    var best = null;
    var bestDistance = Infinity;
    var cos = Math.cos((lat * Math.PI) / 180);
    config.villages.forEach(function (row) {
      if (row[3] === null) {
        return;
      }
      var dy = row[3] - lat;
      var dx = (row[4] - lng) * cos;
      var d = dx * dx + dy * dy;
      if (d < bestDistance) {
        bestDistance = d;
        best = row;
      }
    });
    return best;
  }

  function selectVillage(row) {
    $("f-district").value = row[2];
    fillVillages(row[2], row[0]);
  }

  function villageName(code) {
    for (var i = 0; i < config.villages.length; i++) {
      if (config.villages[i][0] === code) {
        return config.villages[i][1];
      }
    }
    return code;
  }

  function locate() {
    var status = $("locate-status");
    if (!navigator.geolocation) {
      status.textContent = text.noPosition;
      return;
    }
    status.textContent = "…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var c = position.coords;
        $("f-lat").value = c.latitude.toFixed(6);
        $("f-lng").value = c.longitude.toFixed(6);
        $("f-acc").value = Math.round(c.accuracy);
        var row = nearestVillage(c.latitude, c.longitude);
        status.textContent = text.positionFound + " ± " + Math.round(c.accuracy) + " m." +
          (row ? " " + text.nearest + " " + row[1] : "");
        if (row && !$("f-village").value) {
          selectVillage(row);
        }
      },
      function () {
        status.textContent = text.noPosition;
      },
      { enableHighAccuracy: true, timeout: 30000, maximumAge: 60000 }
    );
  }

  // --- The form -------------------------------------------------------------------------------------

  function readForm(form) {
    var data = new FormData(form);
    var errors = [];
    var survey = {
      client_uuid: uuid4(),
      village: data.get("village"),
      observed_at: new Date(data.get("observed_at")).toISOString(),
      latitude: numberOrNull(data.get("latitude")),
      longitude: numberOrNull(data.get("longitude")),
      accuracy_m: numberOrNull(data.get("accuracy_m")),
      place_type: data.get("place_type"),
      fibre: data.get("fibre"),
      fibre_distance_m: numberOrNull(data.get("fibre_distance_m")),
      fibre_provider: (data.get("fibre_provider") || "").trim(),
      electricity: data.get("electricity"),
      notes: (data.get("notes") || "").trim(),
      measurements: [],
    };
    if (survey.accuracy_m !== null) {
      survey.accuracy_m = Math.round(survey.accuracy_m);
    }
    OPERATORS.forEach(function (op) {
      var technology = data.get(op + "-technology");
      if (!technology) {
        return;
      }
      var m = { operator: op, technology: technology };
      ["signal_dbm", "download_mbps", "upload_mbps", "latency_ms"].forEach(function (name) {
        var value = numberOrNull(data.get(op + "-" + name));
        if (technology === "none") {
          value = null;
        }
        if (value !== null && isNaN(value)) {
          errors.push(op + " " + name);
          value = null;
        }
        m[name] = value;
      });
      survey.measurements.push(m);
    });
    if (!survey.village) {
      errors.push(text.needVillage);
    }
    if (survey.latitude === null || survey.longitude === null || isNaN(survey.latitude) || isNaN(survey.longitude)) {
      errors.push(text.needPosition);
    }
    if (!survey.measurements.length) {
      errors.push(text.needMeasurement);
    }
    if (survey.fibre === "none") {
      survey.fibre_distance_m = null;
      survey.fibre_provider = "";
    }
    return { survey: survey, errors: errors };
  }

  function readPhotos(input) {
    var files = Array.prototype.slice.call(input.files || []);
    return files.map(function (file) {
      return { client_uuid: uuid4(), blob: file, type: file.type || "image/jpeg", name: file.name };
    });
  }

  function onSubmit(event) {
    event.preventDefault();
    var form = event.target;
    var read = readForm(form);
    var box = $("form-errors");
    if (read.errors.length) {
      box.textContent = read.errors.join(" ");
      box.hidden = false;
      return;
    }
    box.hidden = true;
    var item = {
      client_uuid: read.survey.client_uuid,
      officer: config.officer,
      saved_at: new Date().toISOString(),
      state: "waiting",
      error: "",
      survey: read.survey,
      photos: readPhotos($("f-photos")),
    };
    putItem(item).then(function () {
      showMessage(text.saved + " " + villageName(item.survey.village), "ok");
      resetForm(form);
      return render();
    }).then(function () {
      if (navigator.onLine) {
        sendAll();
      }
    });
  }

  function resetForm(form) {
    // Keep where the officer is (village, position, place); clear what was measured.
    OPERATORS.forEach(function (op) {
      form.querySelectorAll('[name^="' + op + '-"]').forEach(function (input) {
        input.value = "";
      });
    });
    $("f-notes").value = "";
    $("f-photos").value = "";
    $("f-when").value = localNow();
  }

  // --- Outbox list --------------------------------------------------------------------------------

  function render() {
    return allItems().then(function (items) {
      var count = $("outbox-count");
      count.textContent = String(items.length);
      count.dataset.count = String(items.length);
      var list = $("outbox-list");
      list.textContent = "";
      if (!items.length) {
        var empty = document.createElement("li");
        empty.className = "muted";
        empty.textContent = text.empty;
        list.appendChild(empty);
      }
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.className = "outbox-item outbox-" + item.state;
        li.dataset.uuid = item.client_uuid;
        var title = document.createElement("strong");
        title.textContent = villageName(item.survey.village);
        li.appendChild(title);
        var when = document.createElement("span");
        when.className = "muted small";
        when.textContent = " " + new Date(item.survey.observed_at).toLocaleString() +
          " · " + item.survey.measurements.length + " " + text.operators +
          (item.photos && item.photos.length ? " · " + item.photos.length + " " + text.photos : "");
        li.appendChild(when);
        var note = "";
        if (item.officer !== config.officer) {
          note = text.otherOfficer + " " + item.officer;
        } else if (item.state === "conflict") {
          note = text.conflict;
        } else if (item.state === "invalid") {
          note = text.invalid + " " + item.error;
        }
        if (note) {
          var p = document.createElement("div");
          p.className = "outbox-note";
          p.textContent = note;
          li.appendChild(p);
        }
        if (item.state !== "waiting" || item.officer !== config.officer) {
          var remove = document.createElement("button");
          remove.type = "button";
          remove.className = "button button-small button-ghost";
          remove.textContent = text.delete;
          remove.addEventListener("click", function () {
            if (window.confirm(text.confirmDelete)) {
              deleteItem(item.client_uuid).then(render);
            }
          });
          li.appendChild(remove);
        }
        list.appendChild(li);
      });
      return items;
    });
  }

  function updateNetState() {
    var online = navigator.onLine;
    var state = $("net-state");
    state.textContent = online ? text.online : text.offline;
    state.className = "net-state " + (online ? "is-online" : "is-offline");
  }

  // --- Sending ---------------------------------------------------------------------------------------

  function post(url, body, isJson) {
    // X-Survey-Source: the survey is recorded as sent from the field form, not by an API client.
    var headers = {
      "X-CSRFToken": csrfToken(),
      Accept: "application/json",
      "X-Survey-Source": "field_app",
    };
    if (isJson) {
      headers["Content-Type"] = "application/json";
    }
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: headers,
      body: isJson ? JSON.stringify(body) : body,
      redirect: "manual",
    });
  }

  function sendPhotos(item) {
    var photos = (item.photos || []).slice();
    var url = config.apiUrl + item.client_uuid + "/photos/";
    function next() {
      if (!photos.length) {
        return Promise.resolve();
      }
      var photo = photos[0];
      var form = new FormData();
      form.append("client_uuid", photo.client_uuid);
      form.append("image", photo.blob, photo.name || "photo.jpg");
      return post(url, form, false).then(function (response) {
        if (response.status === 201 || response.status === 200) {
          photos.shift();
          item.photos = photos.slice();
          return putItem(item).then(next);
        }
        var error = new Error("photo " + response.status);
        error.status = response.status;
        throw error;
      });
    }
    return next();
  }

  function sendOne(item) {
    var first = item.sent ? Promise.resolve({ status: 200, ok: true, sentBefore: true }) : post(config.apiUrl, item.survey, true);
    return first.then(function (response) {
      if (response.status === 201 || response.status === 200) {
        item.sent = true; // the survey is stored; only photos may remain
        return putItem(item).then(function () {
          return sendPhotos(item);
        }).then(function () {
          return deleteItem(item.client_uuid);
        }).then(function () {
          return "sent";
        });
      }
      if (response.status === 401 || response.status === 403 || response.type === "opaqueredirect") {
        var error = new Error("auth");
        error.status = 401;
        throw error;
      }
      if (response.status === 409) {
        item.state = "conflict";
        return putItem(item).then(function () {
          return "kept";
        });
      }
      if (response.status === 400) {
        return response.json().then(function (body) {
          item.state = "invalid";
          item.error = JSON.stringify(body);
          return putItem(item);
        }).then(function () {
          return "kept";
        });
      }
      var failure = new Error("HTTP " + response.status);
      failure.status = response.status;
      throw failure;
    });
  }

  function sendAll() {
    if (sending) {
      return Promise.resolve();
    }
    sending = true;
    var sent = 0;
    showMessage(text.sending, "info");
    return allItems().then(function (items) {
      var queue = items.filter(function (item) {
        return item.state === "waiting" && item.officer === config.officer;
      });
      function next() {
        if (!queue.length) {
          return null;
        }
        var item = queue.shift();
        return sendOne(item).then(function (outcome) {
          if (outcome === "sent") {
            sent += 1;
          }
          return next();
        });
      }
      return next();
    }).then(function () {
      showMessage(sent ? text.sent + " " + sent : "", "ok");
    }).catch(function (error) {
      if (error && (error.status === 401 || error.status === 403)) {
        showMessage(text.loginAgain, "warning", { href: config.loginUrl, text: text.logIn });
      } else {
        showMessage(text.retry, "warning");
      }
    }).then(function () {
      sending = false;
      return render();
    });
  }

  // --- Save to / load from a file ---------------------------------------------------------------

  function blobToDataUrl(blob) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        resolve(reader.result);
      };
      reader.onerror = function () {
        reject(reader.error);
      };
      reader.readAsDataURL(blob);
    });
  }

  function dataUrlToBlob(dataUrl) {
    var parts = dataUrl.split(",");
    var type = (parts[0].match(/data:([^;]+)/) || [])[1] || "image/jpeg";
    var binary = atob(parts[1]);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return new Blob([bytes], { type: type });
  }

  function exportOutbox() {
    allItems().then(function (items) {
      return Promise.all(items.map(function (item) {
        return Promise.all((item.photos || []).map(function (photo) {
          return blobToDataUrl(photo.blob).then(function (data) {
            return { client_uuid: photo.client_uuid, name: photo.name, type: photo.type, data: data };
          });
        })).then(function (photos) {
          return {
            client_uuid: item.client_uuid,
            officer: item.officer,
            saved_at: item.saved_at,
            sent: !!item.sent,
            survey: item.survey,
            photos: photos,
          };
        });
      }));
    }).then(function (items) {
      var file = {
        format: FILE_FORMAT,
        version: 1,
        exported_at: new Date().toISOString(),
        officer: config.officer,
        items: items,
      };
      var blob = new Blob([JSON.stringify(file, null, 1)], { type: "application/json" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "outbox-survei-" + config.officer + "-" + new Date().toISOString().slice(0, 16).replace(/[:T]/g, "") + ".json";
      document.body.appendChild(a);
      a.click();
      setTimeout(function () {
        URL.revokeObjectURL(a.href);
        a.remove();
      }, 1000);
    });
  }

  function importOutbox(event) {
    var input = event.target;
    var file = input.files && input.files[0];
    if (!file) {
      return;
    }
    file.text().then(function (content) {
      var data = JSON.parse(content);
      if (data.format !== FILE_FORMAT || !Array.isArray(data.items)) {
        throw new Error("format");
      }
      return allItems().then(function (existing) {
        var known = {};
        existing.forEach(function (item) {
          known[item.client_uuid] = true;
        });
        var added = data.items.filter(function (item) {
          return item && item.survey && !known[item.client_uuid];
        }).map(function (item) {
          return putItem({
            client_uuid: item.client_uuid,
            officer: item.officer,
            saved_at: item.saved_at,
            sent: !!item.sent,
            state: "waiting",
            error: "",
            survey: item.survey,
            photos: (item.photos || []).map(function (photo) {
              return { client_uuid: photo.client_uuid, name: photo.name, type: photo.type, blob: dataUrlToBlob(photo.data) };
            }),
          });
        });
        return Promise.all(added).then(function () {
          return added.length;
        });
      });
    }).then(function (count) {
      showMessage(text.fileLoaded + " " + count, "ok");
      input.value = "";
      return render();
    }).then(function () {
      if (navigator.onLine) {
        sendAll();
      }
    }).catch(function () {
      input.value = "";
      showMessage(text.fileBad, "warning");
    });
  }

  // --- Start ------------------------------------------------------------------------------------------

  function init() {
    var app = $("field-app");
    if (!app) {
      return;
    }
    config = JSON.parse($(app.dataset.config).textContent);
    text = config.messages;
    window.CoverageField = { ready: false };
    fillDistricts();
    $("f-when").value = localNow();
    $("locate").addEventListener("click", locate);
    $("survey-form").addEventListener("submit", onSubmit);
    $("send-now").addEventListener("click", sendAll);
    $("export-outbox").addEventListener("click", exportOutbox);
    $("import-outbox").addEventListener("change", importOutbox);
    window.addEventListener("online", function () {
      updateNetState();
      sendAll();
    });
    window.addEventListener("offline", updateNetState);
    updateNetState();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(config.swUrl, { scope: config.scope }).catch(function (error) {
        console.warn("coverage: service worker not registered", error);
      });
    }
    openDb().then(function (database) {
      db = database;
      return render();
    }).then(function () {
      app.dataset.ready = "true";
      window.CoverageField.ready = true;
      if (navigator.onLine) {
        sendAll();
      }
      setInterval(function () {
        if (navigator.onLine) {
          sendAll();
        }
      }, 60000);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
