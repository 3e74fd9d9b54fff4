/*
 * The coverage field form: works with no signal once opened.
 *
 *  - registers the service worker (coverage/field/sw.js) that keeps this page and its modules;
 *  - takes the position from the browser and suggests the nearest village (form.mjs);
 *  - "Save survey" puts the survey (and its photos) into the outbox in IndexedDB (outbox.mjs),
 *    with a UUID made here: the server stores a UUID once, so sending twice never duplicates;
 *  - sends the outbox when the connection returns, on "Send now" and again later after a
 *    failure (sync.mjs);
 *  - the outbox can be saved to a file and loaded again (outbox-file.mjs).
 *
 * Page data (villages, fields, choices, texts, URLs) comes from the json_script #field-config.
 */

import { itemsFromFile, outboxFile } from "./outbox-file.mjs";
import { openOutbox } from "./outbox.mjs";
import { Villages, locate, localNow, readPhotos, readSurvey, resetForm } from "./form.mjs";
import { Sender } from "./sync.mjs";
import { renderOutbox, showMessage, showNetState } from "./ui.mjs";

const byId = (id) => document.getElementById(id);

async function main() {
  const app = byId("field-app");
  if (!app) {
    return;
  }
  const config = JSON.parse(byId(app.dataset.config).textContent);
  const { fields, messages: text, officer } = config;
  const villages = new Villages(config);
  window.CoverageField = { ready: false };

  villages.fill();
  // Opened from the officer's to-do list (/coverage/todo/): that village is chosen already.
  const wanted = new URLSearchParams(window.location.search).get("village");
  const row = wanted && villages.villages.find((candidate) => candidate[0] === wanted);
  if (row) {
    villages.select(row);
  }
  byId("f-when").value = localNow();
  showNetState(text);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.swUrl, { scope: config.scope }).catch((error) => {
      console.warn("coverage: service worker not registered", error);
    });
  }

  const outbox = await openOutbox();

  const render = async () => {
    renderOutbox(await outbox.items(), { officer, villages, fields, text, onDelete });
  };

  const onDelete = async (item) => {
    if (window.confirm(text.confirmDelete)) {
      await outbox.remove(item.client_uuid);
      await render();
    }
  };

  const sender = new Sender({
    outbox,
    apiUrl: config.apiUrl,
    officer,
    report: async ({ state, sent }) => {
      if (state === "sending") {
        showMessage(text.sending);
        return;
      }
      if (state === "login") {
        showMessage(text.loginAgain, "warning", { href: config.loginUrl, text: text.logIn });
      } else if (state === "retry") {
        showMessage(text.retry, "warning");
      } else {
        showMessage(sent ? `${text.sent} ${sent}` : "", "ok");
      }
      await render();
    },
  });
  const sendIfOnline = () => (navigator.onLine ? sender.sendAll() : Promise.resolve());

  byId("locate").addEventListener("click", () => locate(villages, text));

  byId("survey-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const { survey, errors } = readSurvey(form, fields, text);
    const box = byId("form-errors");
    box.textContent = errors.join(" ");
    box.hidden = !errors.length;
    if (errors.length) {
      return;
    }
    await outbox.put({
      client_uuid: survey.client_uuid,
      officer,
      saved_at: new Date().toISOString(),
      state: "waiting",
      error: "",
      survey,
      photos: readPhotos(byId("f-photos")),
    });
    showMessage(`${text.saved} ${villages.name(survey.village)}`, "ok");
    resetForm(form, fields);
    await render();
    await sendIfOnline();
  });

  byId("send-now").addEventListener("click", () => sender.sendAll());

  byId("export-outbox").addEventListener("click", async () => {
    const blob = await outboxFile(await outbox.items(), officer);
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `outbox-survei-${officer}-${new Date().toISOString().slice(0, 16).replace(/[:T]/g, "")}.json`;
    document.body.append(a);
    a.click();
    setTimeout(() => {
      URL.revokeObjectURL(a.href);
      a.remove();
    }, 1000);
  });

  byId("import-outbox").addEventListener("change", async (event) => {
    const input = event.target;
    const file = input.files && input.files[0];
    if (!file) {
      return;
    }
    let added = 0;
    try {
      const known = new Set((await outbox.items()).map((item) => item.client_uuid));
      for (const item of await itemsFromFile(file)) {
        if (!known.has(item.client_uuid)) {
          await outbox.put(item);
          added += 1;
        }
      }
    } catch {
      showMessage(text.fileBad, "warning");
      return;
    } finally {
      input.value = "";
    }
    showMessage(`${text.fileLoaded} ${added}`, "ok");
    await render();
    await sendIfOnline();
  });

  window.addEventListener("online", () => {
    showNetState(text);
    sender.sendAll();
  });
  window.addEventListener("offline", () => showNetState(text));

  await render();
  app.dataset.ready = "true";
  window.CoverageField.ready = true;
  await sendIfOnline();
}

main();
