/**
 * A photo or file from the phone to the case: shrunk (photos ≤ 1600 px and about 300 KB, so a
 * weak signal carries them), uploaded resumably with tus-js-client (the tus protocol's own
 * client: it resumes an interrupted upload instead of starting again), then stored as a file of
 * the case. Without signal the file waits in IndexedDB under a local id and goes with the
 * case's submission from the outbox.
 */
import { createStore, del, get, set } from 'idb-keyval';
import { Upload } from 'tus-js-client';
import { api, csrfToken } from '../api';
import type { FileRef } from '../../../engine/index';
import { isLocal } from './localRefs';

const MAX_SIDE = 1600;
const TARGET_BYTES = 300_000;

let waiting: ReturnType<typeof createStore> | null = null;
const waitingStore = () => (waiting ??= createStore('cf-files', 'waiting'));

/**
 * A photo made small enough for a weak signal: JPEG, at most 1600 px on its longer side, and
 * about 300 KB — lower quality first, then smaller sides (down to 800 px) if it must. Other
 * files as they are.
 */
export async function shrinkPhoto(file: File): Promise<Blob> {
  if (!/^image\/(jpeg|png|webp)$/.test(file.type)) return file;
  const bitmap = await createImageBitmap(file);
  const canvas = document.createElement('canvas');
  let best: Blob = file;
  for (const side of [MAX_SIDE, 1280, 1024, 800]) {
    const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    for (const quality of [0.85, 0.7, 0.55]) {
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
      if (!blob) continue;
      // The first size that fits wins; otherwise the smallest made so far, as long as it is at most 1600 px.
      if (blob.size <= TARGET_BYTES) return blob;
      if (best === file || blob.size < best.size) best = blob;
    }
  }
  return best;
}

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** The reference a file will have, computed on the phone (the server checks the hash again). */
export async function localRef(blob: Blob, name: string): Promise<FileRef> {
  const sha256 = hex(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  return { id: `local-${crypto.randomUUID()}`, name, type: blob.type || 'application/octet-stream', size: blob.size, sha256 };
}

/** Keeps a file on the phone until it can be uploaded. */
export const keepWaiting = (ref: FileRef, blob: Blob) => set(ref.id, blob, waitingStore());
export const waitingBlob = (id: string) => get<Blob>(id, waitingStore());

/** How long an upload may go without a byte getting through (a chunk is 256 KB) before it counts as no signal. */
export const UPLOAD_STALL_MS = 60_000;
/** The outbox's uploads retry a dropped chunk a few times before giving up for now (the outbox tries again later). */
const OUTBOX_RETRY_DELAYS = [0, 1000, 3000, 5000];
/** A photo being attached, or sent with the submission the cadre just made, retries once, then waits on the phone: the cadre is not kept waiting. */
export const ATTACH_RETRY_DELAYS = [1000];

/** Uploads a file (resumably) and stores it as a file of the case; reports progress 0–1. */
export function uploadToCase(blob: Blob, name: string, caseId: string, onProgress: (share: number) => void = () => undefined, retryDelays = OUTBOX_RETRY_DELAYS): Promise<FileRef> {
  return new Promise((resolve, reject) => {
    let stall: ReturnType<typeof setTimeout> | undefined;
    const watch = () => {
      clearTimeout(stall);
      stall = setTimeout(() => {
        void upload.abort();
        reject(new Error('stalled'));
      }, UPLOAD_STALL_MS);
    };
    const upload = new Upload(blob, {
      endpoint: '/api/uploads',
      headers: { 'x-csrf-token': csrfToken() },
      metadata: { filename: name, filetype: blob.type },
      chunkSize: 256 * 1024,
      retryDelays,
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) => {
        watch();
        onProgress(total ? sent / total : 0);
      },
      onError: (e) => {
        clearTimeout(stall);
        reject(e);
      },
      onSuccess: () => {
        clearTimeout(stall);
        const uploadId = (upload.url ?? '').split('/').pop() ?? '';
        api<FileRef>('POST', '/api/files', { uploadId, caseId, name }).then(resolve, reject);
      },
    });
    watch();
    upload.start();
  });
}

/**
 * Uploads every file in a submission that is still on the phone and puts the stored
 * reference in its place; the waiting copies are dropped once stored.
 */
export async function uploadWaiting(data: unknown, caseId: string, retryDelays = OUTBOX_RETRY_DELAYS): Promise<unknown> {
  if (isLocal(data)) {
    const local = data as FileRef;
    const blob = await waitingBlob(local.id);
    if (!blob) return data;
    const ref = await uploadToCase(blob, local.name, caseId, undefined, retryDelays);
    await del(local.id, waitingStore());
    return ref;
  }
  if (Array.isArray(data)) return Promise.all(data.map((x) => uploadWaiting(x, caseId, retryDelays)));
  if (data && typeof data === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(data)) out[k] = await uploadWaiting(v, caseId, retryDelays);
    return out;
  }
  return data;
}
