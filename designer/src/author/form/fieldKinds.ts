/** The builder's palette: each kind of field, what it produces in JSON Schema + uiSchema, and how to recognise it again. */
import { FILE_REF_PROPERTIES, isFileField } from '../../../../engine/index';
import { t } from '../../i18n';

export type Json = Record<string, unknown>;

export type FieldKind =
  | 'text' | 'longText' | 'number' | 'money' | 'date' | 'choice' | 'multiChoice' | 'yesNo'
  | 'idNumber' | 'phone' | 'address' | 'table' | 'group' | 'file' | 'signature' | 'computed' | 'row' | 'custom';

interface KindSpec {
  label: string;
  /** What a field of this kind limits: characters, a value, or rows/choices. */
  limits?: 'length' | 'value' | 'items';
  options?: true;
  make(): { schema: Json; ui: Json };
}

/** The palette, in the order it is shown. */
export const KINDS: Record<FieldKind, KindSpec> = {
  text: { label: t('fieldKinds.singleLineText'), limits: 'length', make: () => ({ schema: { type: 'string', maxLength: 100 }, ui: {} }) },
  longText: { label: t('fieldKinds.multiLineText'), limits: 'length', make: () => ({ schema: { type: 'string', maxLength: 1000 }, ui: { 'ui:widget': 'textarea' } }) },
  number: { label: t('fieldKinds.number'), limits: 'value', make: () => ({ schema: { type: 'number' }, ui: {} }) },
  money: { label: t('fieldKinds.amountYuan'), limits: 'value', make: () => ({ schema: { type: 'number', minimum: 0, multipleOf: 0.01 }, ui: { 'ui:placeholder': t('fieldKinds.inYuanAtMostTwo') } }) },
  date: { label: t('fieldKinds.date'), make: () => ({ schema: { type: 'string', format: 'date' }, ui: {} }) },
  choice: { label: t('fieldKinds.singleChoice'), options: true, make: () => ({ schema: { type: 'string', enum: [t('fieldKinds.optionOne'), t('fieldKinds.optionTwo')] }, ui: {} }) },
  multiChoice: { label: t('fieldKinds.multipleChoice'), limits: 'items', options: true, make: () => ({ schema: { type: 'array', uniqueItems: true, items: { type: 'string', enum: [t('fieldKinds.optionOne'), t('fieldKinds.optionTwo')] } }, ui: { 'ui:widget': 'checkboxes' } }) },
  yesNo: { label: t('fieldKinds.yesNo'), make: () => ({ schema: { type: 'boolean' }, ui: { 'ui:widget': 'radio' } }) },
  idNumber: { label: t('fieldKinds.idCardNumber'), make: () => ({ schema: { type: 'string', format: 'cn-id-card' }, ui: { 'ui:placeholder': t('fieldKinds.18DigitResidentIdNumber') } }) },
  phone: { label: t('fieldKinds.mobileNumber'), make: () => ({ schema: { type: 'string', format: 'cn-mobile' }, ui: { 'ui:options': { inputType: 'tel' } } }) },
  address: { label: t('fieldKinds.address'), limits: 'length', make: () => ({ schema: { type: 'string', maxLength: 200 }, ui: { 'ui:widget': 'textarea', 'ui:autocomplete': 'street-address', 'ui:placeholder': t('fieldKinds.townshipVillageGroupHouseNumber') } }) },
  table: { label: t('fieldKinds.tableRows'), limits: 'items', make: () => ({ schema: { type: 'array', items: { type: 'object', properties: {} } }, ui: {} }) },
  group: { label: t('fieldKinds.groupWithAHeading'), make: () => ({ schema: { type: 'object', properties: {} }, ui: {} }) },
  // The field holds a reference to a stored file ({ id, name, type, size, sha256 }); the photo itself is uploaded (see engine/files.ts).
  file: { label: t('fieldKinds.photoFile'), make: () => ({ schema: { type: 'object', file: { accept: ['image', 'pdf'], maxMB: 10 }, required: ['id', 'name', 'type', 'size', 'sha256'], properties: structuredClone(FILE_REF_PROPERTIES) as unknown as Json }, ui: {} }) },
  signature: { label: t('fieldKinds.handwrittenSignature'), make: () => ({ schema: { type: 'string', maxLength: 500_000 }, ui: { 'ui:widget': 'signature' } }) },
  computed: { label: t('fieldKinds.computedFieldFormula'), make: () => ({ schema: { type: 'number', formula: '0' }, ui: {} }) },
  // One row of a list `append` grows, by its id (退回这一条): the cadre picks it from the case's rows; which list, the field panel sets.
  row: { label: t('fieldKinds.oneRowOfAList'), make: () => ({ schema: { type: 'integer', rowOf: '' }, ui: {} }) },
  custom: { label: t('fieldKinds.otherEditOnTheJson'), make: () => ({ schema: { type: 'string' }, ui: {} }) },
};

/** The kinds offered in the palette (custom fields come only from JSON). */
export const PALETTE = (Object.keys(KINDS) as FieldKind[]).filter((k) => k !== 'custom');

/** Kinds a table's columns may have (no tables in tables, no files in cells). */
export const COLUMN_KINDS: FieldKind[] = ['text', 'number', 'money', 'date', 'choice', 'yesNo', 'idNumber', 'phone', 'computed'];

/** Kinds a group may hold (a group holds plain fields, not more groups). */
export const GROUP_KINDS: FieldKind[] = ['text', 'longText', 'number', 'money', 'date', 'choice', 'multiChoice', 'yesNo', 'idNumber', 'phone', 'address', 'table', 'file', 'signature'];

/** An object field the builder can edit as a group: properties only, no conditions or extra keywords. */
function isPlainGroup(schema: Json): boolean {
  return Object.keys(schema).every((k) => ['type', 'title', 'description', 'properties', 'required'].includes(k));
}

/** Recognises the kind of an existing field; anything unusual is edited as the nearest plain kind. */
export function kindOf(schema: Json, ui: Json = {}): FieldKind {
  const widget = ui['ui:widget'];
  if (typeof schema.formula === 'string') return 'computed';
  if (typeof schema.rowOf === 'string') return 'row';
  if (widget === 'signature') return 'signature';
  if (isFileField(schema)) return 'file';
  if (schema.type === 'boolean') return 'yesNo';
  if (schema.type === 'array') {
    const items = (schema.items ?? {}) as Json;
    return items.type === 'object' ? 'table' : Array.isArray(items.enum) ? 'multiChoice' : 'custom';
  }
  if (schema.type === 'object') return isPlainGroup(schema) ? 'group' : 'custom';
  if (schema.type === undefined) return 'custom';
  if (schema.type === 'number' || schema.type === 'integer') return schema.multipleOf === 0.01 ? 'money' : 'number';
  if (Array.isArray(schema.enum) || Array.isArray(schema.oneOf)) return 'choice';
  if (schema.format === 'date') return 'date';
  if (schema.format === 'cn-id-card') return 'idNumber';
  if (schema.format === 'cn-mobile' || schema.format === 'cn-phone') return 'phone';
  if (ui['ui:autocomplete'] === 'street-address') return 'address';
  if (widget === 'textarea') return 'longText';
  return 'text';
}

/** The schema keywords holding a kind's lower and upper limit. */
export function limitKeys(kind: FieldKind): [string, string] | undefined {
  const l = KINDS[kind].limits;
  if (l === 'length') return ['minLength', 'maxLength'];
  if (l === 'value') return ['minimum', 'maximum'];
  if (l === 'items') return ['minItems', 'maxItems'];
  return undefined;
}
