/*
 * Sending the outbox: one survey at a time, then its photos, and the item leaves the outbox only
 * after the server confirmed it (201 created, or 200: the server already had this UUID with the
 * same content, so sending twice never duplicates).
 *
 *  - 401/403 (the session expired, or a stale CSRF token): stop and ask to log in again; the
 *    surveys stay in the outbox;
 *  - 409 (the UUID holds another survey) or 400 (refused): the item stays with the server's
 *    answer and the others go on;
 *  - no connection, 429 or a server error: try again later, waiting longer each time (from
 *    RETRY_FIRST_MS up to RETRY_MAX_MS, or the server's Retry-After), and at once when the
 *    browser comes back online.
 */

export const RETRY_FIRST_MS = 5000;
export const RETRY_MAX_MS = 5 * 60 * 1000;

class LoginNeeded extends Error {}

class TryLater extends Error {
  constructor(message, retryAfterSeconds) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

function csrfToken() {
  // Read at send time: logging in again rotates the token, and the cookie has the new one.
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) {
    return decodeURIComponent(match[1]);
  }
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

async function post(url, body) {
  // X-Survey-Source: the survey is recorded as sent from the field form, not by an API client.
  const headers = {
    "X-CSRFToken": csrfToken(),
    Accept: "application/json",
    "X-Survey-Source": "field_app",
  };
  const isForm = body instanceof FormData;
  if (!isForm) {
    headers["Content-Type"] = "application/json";
  }
  try {
    return await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers,
      body: isForm ? body : JSON.stringify(body),
      redirect: "manual",
    });
  } catch (error) {
    throw new TryLater(`no connection: ${error}`);
  }
}

const CONFIRMED = [200, 201];

/** Throws unless the server confirmed; 400 and 409 are for the caller to keep. */
function check(response) {
  if (CONFIRMED.includes(response.status) || [400, 409].includes(response.status)) {
    return;
  }
  if ([401, 403].includes(response.status) || response.type === "opaqueredirect") {
    throw new LoginNeeded(`HTTP ${response.status}`);
  }
  const retryAfter = Number(response.headers.get("Retry-After")) || 0;
  throw new TryLater(`HTTP ${response.status}`, retryAfter);
}

async function answer(response) {
  const body = await response.text();
  try {
    return JSON.stringify(JSON.parse(body));
  } catch {
    return `HTTP ${response.status}`;
  }
}

export class Sender {
  /**
   * outbox: the Outbox; apiUrl: the surveys endpoint; officer: who is logged in (only their own
   * surveys are sent); report({ state, sent }): told "sending", then "done", "login" or "retry".
   */
  constructor({ outbox, apiUrl, officer, report }) {
    Object.assign(this, { outbox, apiUrl, officer, report });
    this.running = null;
    this.timer = null;
    this.delay = RETRY_FIRST_MS;
  }

  /** Send every waiting survey of this officer; a call while sending joins the running one. */
  sendAll() {
    if (!this.running) {
      this.running = this.run().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  async run() {
    clearTimeout(this.timer);
    const queue = (await this.outbox.items()).filter(
      (item) => item.state === "waiting" && item.officer === this.officer
    );
    if (!queue.length) {
      return;
    }
    this.report({ state: "sending", sent: 0 });
    let sent = 0;
    try {
      for (const item of queue) {
        if ((await this.sendOne(item)) === "sent") {
          sent += 1;
        }
      }
    } catch (error) {
      if (error instanceof LoginNeeded) {
        this.report({ state: "login", sent });
        return;
      }
      this.retryLater(error.retryAfterSeconds);
      this.report({ state: "retry", sent });
      return;
    }
    this.delay = RETRY_FIRST_MS;
    this.report({ state: "done", sent });
  }

  retryLater(retryAfterSeconds) {
    const wait = retryAfterSeconds ? retryAfterSeconds * 1000 : this.delay;
    this.delay = Math.min(this.delay * 2, RETRY_MAX_MS);
    this.timer = setTimeout(() => {
      if (navigator.onLine) {
        this.sendAll();
      }
    }, wait);
  }

  /** "sent" (the survey and its photos are on the server) or "kept" (refused: it stays). */
  async sendOne(item) {
    if (!item.sent) {
      const response = await post(this.apiUrl, item.survey);
      check(response);
      if (!CONFIRMED.includes(response.status)) {
        return this.keep(item, response);
      }
      item.sent = true; // the survey is stored; only photos may remain
      await this.outbox.put(item);
    }
    const url = `${this.apiUrl}${item.client_uuid}/photos/`;
    while (item.photos && item.photos.length) {
      const [photo, ...rest] = item.photos;
      const form = new FormData();
      form.append("client_uuid", photo.client_uuid);
      form.append("image", photo.blob, photo.name || "photo.jpg");
      const response = await post(url, form);
      check(response);
      if (!CONFIRMED.includes(response.status)) {
        return this.keep(item, response);
      }
      item.photos = rest;
      await this.outbox.put(item);
    }
    await this.outbox.remove(item.client_uuid);
    return "sent";
  }

  async keep(item, response) {
    item.state = response.status === 409 ? "conflict" : "invalid";
    item.error = await answer(response);
    await this.outbox.put(item);
    return "kept";
  }
}
