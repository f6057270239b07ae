/**
 * File and photo fields. A form field marked `"file": { ... }` holds a reference to a stored
 * file — `{ id, name, type, size, sha256 }` — never the file itself: case data, events and the
 * audit chain carry the reference (the hash covers the content), the file lives in the store.
 */

/** What a file field holds. */
export interface FileRef {
  id: string;
  name: string;
  type: string;
  size: number;
  sha256: string;
}

/** A file field's settings (`"file": { "accept": ["image"], "maxMB": 10 }`). */
export interface FileFieldSpec {
  /** Kinds accepted: "image" (JPEG, PNG, WebP) and/or "pdf". Default: both. */
  accept?: ('image' | 'pdf')[];
  maxMB?: number;
}

/** The JSON Schema of a file field's value: the form builder writes this beside `file`. */
export const FILE_REF_PROPERTIES = {
  id: { type: 'string', minLength: 1, maxLength: 100 },
  name: { type: 'string', maxLength: 200 },
  type: { type: 'string', maxLength: 100 },
  size: { type: 'integer', minimum: 0 },
  sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
} as const;

/** The media types a field accepts, from its `accept` kinds. */
export function acceptedTypes(spec: FileFieldSpec | undefined): string[] {
  const kinds = spec?.accept?.length ? spec.accept : ['image', 'pdf'];
  return kinds.flatMap((k) => (k === 'image' ? ['image/jpeg', 'image/png', 'image/webp'] : k === 'pdf' ? ['application/pdf'] : []));
}

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

/** True for a file field's schema. */
export const isFileField = (schema: unknown): schema is Schema & { file: FileFieldSpec } => isSchema(schema) && isSchema(schema.file);

/** Every file reference in a form's data, with its JSON pointer and the field's settings (rows of tables included). */
export function fileRefsIn(schema: unknown, data: unknown, pointer = ''): { pointer: string; ref: Partial<FileRef>; spec: FileFieldSpec; title?: string }[] {
  if (!isSchema(schema) || data === undefined || data === null) return [];
  if (isFileField(schema)) return isSchema(data) ? [{ pointer, ref: data as Partial<FileRef>, spec: schema.file, ...(typeof schema.title === 'string' ? { title: schema.title } : {}) }] : [];
  const out: ReturnType<typeof fileRefsIn> = [];
  if (isSchema(schema.properties) && isSchema(data)) {
    for (const [key, sub] of Object.entries(schema.properties)) if (Object.hasOwn(data, key)) out.push(...fileRefsIn(sub, data[key], `${pointer}/${key}`));
  }
  if (isSchema(schema.items) && Array.isArray(data)) data.forEach((row, i) => out.push(...fileRefsIn(schema.items, row, `${pointer}/${i}`)));
  return out;
}

/** True when a form has a file field anywhere. */
export function hasFileFields(schema: unknown): boolean {
  if (!isSchema(schema)) return false;
  if (isFileField(schema)) return true;
  return (isSchema(schema.properties) && Object.values(schema.properties).some(hasFileFields)) || hasFileFields(schema.items);
}
