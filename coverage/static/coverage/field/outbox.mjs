/*
 * The outbox: finished surveys (and their photos) kept in IndexedDB on this device until the
 * server has confirmed each one. An item is
 *   { client_uuid, officer, saved_at, state: "waiting" | "conflict" | "invalid", error, sent,
 *     survey: <the survey as the API takes it>, photos: [{ client_uuid, blob, type, name }] }
 * `sent` marks a survey the server stored whose photos are still to go.
 */

const DB_NAME = "coverage-field";
const STORE = "outbox";

/** The result of an IndexedDB request, once it succeeded. */
function result(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Resolves when the transaction is committed (a write is on disk only then). */
function committed(transaction) {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

export class Outbox {
  constructor(db) {
    this.db = db;
  }

  /** Every item, the oldest first. */
  async items() {
    const store = this.db.transaction(STORE, "readonly").objectStore(STORE);
    const items = (await result(store.getAll())) || [];
    return items.sort((a, b) => (a.saved_at < b.saved_at ? -1 : 1));
  }

  async put(item) {
    const transaction = this.db.transaction(STORE, "readwrite");
    transaction.objectStore(STORE).put(item);
    await committed(transaction);
  }

  async remove(uuid) {
    const transaction = this.db.transaction(STORE, "readwrite");
    transaction.objectStore(STORE).delete(uuid);
    await committed(transaction);
  }
}

export async function openOutbox() {
  const request = indexedDB.open(DB_NAME, 1);
  request.onupgradeneeded = () => {
    request.result.createObjectStore(STORE, { keyPath: "client_uuid" });
  };
  return new Outbox(await result(request));
}
