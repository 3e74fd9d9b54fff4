/*
 * The outbox saved to a file and loaded again (on this device or another one), photos included
 * as data: URLs. The import page of the portal takes the same file (coverage.importers,
 * OUTBOX_FORMAT): an officer whose phone cannot send uploads it from any computer.
 */

export const FILE_FORMAT = "bengkulu-coverage-outbox";

function blobToDataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

function dataUrlToBlob(dataUrl) {
  const [header, data] = dataUrl.split(",");
  const type = (header.match(/data:([^;]+)/) || [])[1] || "image/jpeg";
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return new Blob([bytes], { type });
}

/** The file (a JSON Blob) of the outbox's items. */
export async function outboxFile(items, officer) {
  const saved = await Promise.all(
    items.map(async (item) => ({
      client_uuid: item.client_uuid,
      officer: item.officer,
      saved_at: item.saved_at,
      sent: Boolean(item.sent),
      survey: item.survey,
      photos: await Promise.all(
        (item.photos || []).map(async (photo) => ({
          client_uuid: photo.client_uuid,
          name: photo.name,
          type: photo.type,
          data: await blobToDataUrl(photo.blob),
        }))
      ),
    }))
  );
  const file = {
    format: FILE_FORMAT,
    version: 1,
    exported_at: new Date().toISOString(),
    officer,
    items: saved,
  };
  return new Blob([JSON.stringify(file, null, 1)], { type: "application/json" });
}

/** The outbox items of a saved file, waiting to be sent; throws when it is not such a file. */
export async function itemsFromFile(file) {
  const data = JSON.parse(await file.text());
  if (!data || data.format !== FILE_FORMAT || !Array.isArray(data.items)) {
    throw new Error("not a saved outbox");
  }
  return data.items
    .filter((item) => item && item.survey && item.client_uuid)
    .map((item) => ({
      client_uuid: item.client_uuid,
      officer: item.officer,
      saved_at: item.saved_at,
      sent: Boolean(item.sent),
      state: "waiting",
      error: "",
      survey: item.survey,
      photos: (item.photos || []).map((photo) => ({
        client_uuid: photo.client_uuid,
        name: photo.name,
        type: photo.type,
        blob: dataUrlToBlob(photo.data),
      })),
    }));
}
