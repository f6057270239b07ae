/**
 * A filled form, read-only and compact, for deciding on it: each field's title and value, a
 * list of rows as a table, photos as thumbnails. Values as the server sent them (personal ones
 * masked for whoever is not on the step), shown by the engine's kind of each field.
 */
import { orderProperties, type UiSchema } from '@rjsf/utils';
import { type FileRef, isFileField, valueKind } from '../../engine/index';
import { formatValue } from './fieldValue';
import { Thumb } from './files/Thumb';

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);
const isFileRef = (v: unknown): v is FileRef => isSchema(v) && typeof v.id === 'string' && typeof v.type === 'string';

/** An object schema's fields in the form's order (uiSchema `ui:order`, `*` for the rest), hidden ones left out. */
function fieldsOf(schema: Schema, ui: UiSchema | undefined): [string, Schema][] {
  const props = isSchema(schema.properties) ? schema.properties : {};
  const keys = Object.keys(props).filter((k) => isSchema(props[k]));
  let order = keys;
  try {
    order = orderProperties(keys, Array.isArray(ui?.['ui:order']) ? (ui['ui:order'] as string[]) : undefined);
  } catch {
    // A ui:order the checker would refuse: the schema's own order.
  }
  return order.filter((k) => (ui?.[k] as UiSchema | undefined)?.['ui:widget'] !== 'hidden').map((k) => [k, props[k] as Schema]);
}

const titleOf = (key: string, s: Schema) => (typeof s.title === 'string' && s.title ? s.title : key);

/** One value: a photo, a drawn signature, a nested group, or text by the field's kind. */
function Value({ schema, ui, value }: { schema: Schema; ui: UiSchema | undefined; value: unknown }) {
  if (isFileField(schema) || isFileRef(value)) return isFileRef(value) ? <Thumb value={value} /> : <>—</>;
  if (typeof value === 'string' && value.startsWith('data:image/')) return <img className="thumb" src={value} alt={titleOf('', schema)} />;
  if (isSchema(value) && isSchema(schema.properties)) return <Fields schema={schema} ui={ui} data={value} />;
  const items = isSchema(schema.items) ? schema.items : schema;
  return <>{formatValue(value, valueKind(items))}</>;
}

/** A list of rows (家庭成员, 股东名册) as a table, its columns the row's fields. */
function Rows({ title, schema, ui, rows }: { title: string; schema: Schema; ui: UiSchema | undefined; rows: unknown[] }) {
  const columns = fieldsOf(schema, ui);
  return (
    <div className="table-scroll">
      <table className="grid">
        <caption>{title}</caption>
        <thead><tr><th scope="col">#</th>{columns.map(([k, s]) => <th key={k} scope="col">{titleOf(k, s)}</th>)}</tr></thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}><td>{i + 1}</td>{columns.map(([k, s]) => <td key={k}><Value schema={s} ui={ui?.[k] as UiSchema | undefined} value={isSchema(row) ? row[k] : undefined} /></td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Fields({ schema, ui, data }: { schema: Schema; ui: UiSchema | undefined; data: Record<string, unknown> }) {
  const fields = fieldsOf(schema, ui);
  const tables = fields.filter(([k, s]) => isSchema(s.items) && isSchema(s.items.properties) && Array.isArray(data[k]) && (data[k] as unknown[]).length > 0);
  return (
    <>
      <dl className="summary-fields">
        {fields.filter((f) => !tables.includes(f)).map(([k, s]) => (
          <div key={k} className={isFileField(s) || (isSchema(s.properties) && isSchema(data[k])) ? 'wide' : undefined}>
            <dt>{titleOf(k, s)}</dt>
            <dd><Value schema={s} ui={ui?.[k] as UiSchema | undefined} value={data[k]} /></dd>
          </div>
        ))}
      </dl>
      {tables.map(([k, s]) => <Rows key={k} title={titleOf(k, s)} schema={s.items as Schema} ui={(ui?.[k] as UiSchema | undefined)?.items as UiSchema | undefined} rows={data[k] as unknown[]} />)}
    </>
  );
}

/** A filled form as a compact, read-only summary. */
export function FormSummary({ schema, uiSchema, data }: { schema: object; uiSchema?: UiSchema; data: unknown }) {
  return <div className="form-summary"><Fields schema={schema as Schema} ui={uiSchema} data={isSchema(data) ? data : {}} /></div>;
}
