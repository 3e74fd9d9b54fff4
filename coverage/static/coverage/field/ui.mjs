/* What the officer sees besides the form: the message line, the network state, the outbox. */

const byId = (id) => document.getElementById(id);

export function showMessage(message, kind = "info", link = null) {
  const box = byId("field-message");
  box.textContent = message;
  box.className = `field-message field-message-${kind}`;
  if (link) {
    const a = document.createElement("a");
    a.href = link.href;
    a.textContent = link.text;
    a.className = "button button-small";
    box.append(" ", a);
  }
  box.hidden = !message;
}

export function showNetState(text) {
  const online = navigator.onLine;
  const state = byId("net-state");
  state.textContent = online ? text.online : text.offline;
  state.className = `net-state ${online ? "is-online" : "is-offline"}`;
}

function element(tag, className, content) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (content !== undefined) {
    node.textContent = content;
  }
  return node;
}

/** What a survey recorded, e.g. "Telkomsel 4G · XL and Axis No signal". */
function measured(survey, fields) {
  const operators = new Map(fields.operators);
  return survey.measurements
    .map((m) => `${operators.get(m.operator) || m.operator} ${fields.technologies[m.technology] || m.technology}`)
    .join(" · ");
}

/**
 * The outbox list and its count. onDelete(item) is offered for the items that will not be sent
 * as they are: refused by the server, or entered by another officer.
 */
export function renderOutbox(items, { officer, villages, fields, text, onDelete }) {
  const count = byId("outbox-count");
  count.textContent = String(items.length);
  count.dataset.count = String(items.length);
  const list = byId("outbox-list");
  list.textContent = "";
  if (!items.length) {
    list.append(element("li", "muted", text.empty));
  }
  for (const item of items) {
    const li = element("li", `outbox-item outbox-${item.state}`);
    li.dataset.uuid = item.client_uuid;
    const photos = item.photos && item.photos.length ? ` · ${item.photos.length} ${text.photos}` : "";
    li.append(
      element("strong", "", villages.name(item.survey.village)),
      element(
        "span",
        "muted small",
        ` ${new Date(item.survey.observed_at).toLocaleString()} · ${measured(item.survey, fields)}${photos}`
      )
    );
    let note = "";
    if (item.officer !== officer) {
      note = `${text.otherOfficer} ${item.officer}`;
    } else if (item.state === "conflict") {
      note = text.conflict;
    } else if (item.state === "invalid") {
      note = `${text.invalid} ${item.error}`;
    }
    if (note) {
      li.append(element("div", "outbox-note", note));
    }
    if (item.state !== "waiting" || item.officer !== officer) {
      const remove = element("button", "button button-small button-ghost", text.delete);
      remove.type = "button";
      remove.addEventListener("click", () => onDelete(item));
      li.append(remove);
    }
    list.append(li);
  }
}
