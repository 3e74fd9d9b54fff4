/*
 * The survey form: the kecamatan and village lists (with the nearest village to the phone's
 * position), reading a survey from the inputs, and clearing what was measured for the next one.
 *
 * Which fields a survey has, their kinds, the operators and the choice labels come from the
 * server (`fields` of #field-config, built from coverage/fields.py and the model's choices);
 * an input is named after its field (`notes`), a measurement input `<operator>-<field>`.
 */

const byId = (id) => document.getElementById(id);

export function uuid4() {
  if (window.crypto && crypto.randomUUID) {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => (b + 0x100).toString(16).slice(1)).join("");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
}

export function localNow() {
  const now = new Date();
  now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
  return now.toISOString().slice(0, 16);
}

// --- Villages ----------------------------------------------------------------------------------

export class Villages {
  /** districts: [code, name, kabupaten]; villages: [code, name, district, lat, lng]. */
  constructor({ districts, villages }) {
    this.districts = districts;
    this.villages = villages;
    this.names = new Map(villages.map((row) => [row[0], row[1]]));
  }

  fill() {
    const select = byId("f-district");
    for (const [code, name, regency] of this.districts) {
      select.append(new Option(`${name} (${regency})`, code));
    }
    select.addEventListener("change", () => this.fillVillages(select.value, ""));
  }

  fillVillages(district, selected) {
    const select = byId("f-village");
    select.length = 1;
    for (const [code, name, inDistrict] of this.villages) {
      if (inDistrict === district) {
        select.append(new Option(name, code, false, code === selected));
      }
    }
  }

  select(row) {
    byId("f-district").value = row[2];
    this.fillVillages(row[2], row[0]);
  }

  name(code) {
    return this.names.get(code) || code;
  }

  nearest(lat, lng) {
    let best = null;
    let bestDistance = Infinity;
    const cos = Math.cos((lat * Math.PI) / 180);
    for (const row of this.villages) {
      if (row[3] === null) {
        continue;
      }
      const dy = row[3] - lat;
      const dx = (row[4] - lng) * cos;
      const d = dx * dx + dy * dy;
      if (d < bestDistance) {
        bestDistance = d;
        best = row;
      }
    }
    return best;
  }
}

function position() {
  return new Promise((resolve, reject) => {
    navigator.geolocation.getCurrentPosition(resolve, reject, {
      enableHighAccuracy: true,
      timeout: 30000,
      maximumAge: 60000,
    });
  });
}

/** Fill the position from the phone and suggest the nearest village. */
export async function locate(villages, text) {
  const status = byId("locate-status");
  if (!navigator.geolocation) {
    status.textContent = text.noPosition;
    return;
  }
  status.textContent = "…";
  let coords;
  try {
    ({ coords } = await position());
  } catch {
    status.textContent = text.noPosition;
    return;
  }
  byId("f-lat").value = coords.latitude.toFixed(6);
  byId("f-lng").value = coords.longitude.toFixed(6);
  byId("f-acc").value = Math.round(coords.accuracy);
  const row = villages.nearest(coords.latitude, coords.longitude);
  status.textContent =
    `${text.positionFound} ± ${Math.round(coords.accuracy)} m.` + (row ? ` ${text.nearest} ${row[1]}` : "");
  if (row && !byId("f-village").value) {
    villages.select(row);
  }
}

// --- Reading a survey --------------------------------------------------------------------------

function labelOf(input, prefix) {
  const label = input.labels && input.labels[0] ? input.labels[0].textContent.trim() : input.name;
  return prefix ? `${prefix} — ${label}` : label;
}

/** The value of one input by its field's kind: a number, an ISO date-time, text or a choice. */
function readValue(input, [, kind, required], errors, text, prefix) {
  const raw = String(input.value || "").trim();
  const problem = (message) => {
    errors.push(message.replace("{field}", labelOf(input, prefix)).replace("{value}", raw));
    return null;
  };
  if (!raw) {
    if (required) {
      return problem(text.required);
    }
    return kind === "text" || kind === "choice" ? "" : null;
  }
  if (kind === "datetime") {
    const moment = new Date(raw);
    return isNaN(moment) ? problem(text.notDate) : moment.toISOString();
  }
  if (kind === "number" || kind === "integer") {
    const number = Number(raw.replace(",", "."));
    if (isNaN(number)) {
      return problem(text.notNumber);
    }
    return kind === "integer" && !Number.isInteger(number) ? problem(text.notWhole) : number;
  }
  return raw;
}

/** { survey, errors } from the form: the survey as the API takes it, or what to correct. */
export function readSurvey(form, fields, text) {
  const errors = [];
  const survey = { client_uuid: uuid4(), village: form.elements.namedItem("village").value };
  if (!survey.village) {
    errors.push(text.needVillage);
  }
  for (const field of fields.survey) {
    survey[field[0]] = readValue(form.elements.namedItem(field[0]), field, errors, text);
  }
  if (survey.fibre === fields.noFibre) {
    for (const field of fields.survey.filter(([name]) => fields.fibreDetails.includes(name))) {
      survey[field[0]] = field[1] === "text" ? "" : null;
    }
  }
  survey.measurements = [];
  for (const [operator, label] of fields.operators) {
    const technology = form.elements.namedItem(`${operator}-technology`).value;
    if (!technology) {
      continue; // not checked
    }
    const measurement = { operator, technology };
    for (const field of fields.measurement) {
      const input = form.elements.namedItem(`${operator}-${field[0]}`);
      measurement[field[0]] =
        technology === fields.noSignal ? null : readValue(input, field, errors, text, label);
    }
    survey.measurements.push(measurement);
  }
  if (!survey.measurements.length) {
    errors.push(text.needMeasurement);
  }
  return { survey, errors };
}

export function readPhotos(input) {
  return Array.from(input.files || [], (file) => ({
    client_uuid: uuid4(),
    blob: file,
    type: file.type || "image/jpeg",
    name: file.name,
  }));
}

/** Keep where the officer is (village, position, place); clear what was measured. */
export function resetForm(form, fields) {
  for (const [operator] of fields.operators) {
    form.querySelectorAll(`[name^="${operator}-"]`).forEach((input) => {
      input.value = "";
    });
  }
  byId("f-notes").value = "";
  byId("f-photos").value = "";
  byId("f-when").value = localNow();
}
