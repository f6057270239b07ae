/**
 * A filled form as it prints on A4: each field's title and value in two columns, a list of rows
 * (家庭成员) as a table that wraps its cells to the page's width, photos small. Values as the
 * server sent them (personal ones masked for whoever is not on the step).
 */
import { type FileRef, isFileField, type RecordColumn, valueKind } from '../../../engine/index';
import { formatValue } from '../fieldValue';
import { t } from '../i18n';

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);
const isFileRef = (v: unknown): v is FileRef => isSchema(v) && typeof v.id === 'string' && typeof v.type === 'string' && typeof v.name === 'string';
const titleOf = (key: string, s: unknown) => (isSchema(s) && typeof s.title === 'string' && s.title ? s.title : key);
/** A list whose rows are objects: a table of its own. */
export const isTable = (s: unknown): s is Schema & { items: Schema & { properties: Record<string, Schema> } } => isSchema(s) && s.type === 'array' && isSchema(s.items) && isSchema(s.items.properties);

/** One value as text by its field's kind, as the case page shows it; a blank stays empty on paper. */
export const printedText = (value: unknown, kind: RecordColumn['kind']): string => formatValue(value, kind, '');

/** One value: a photo (small), a drawn signature, or text. */
function Value({ schema, value }: { schema: Schema; value: unknown }) {
  if (isFileRef(value)) return value.type.startsWith('image/') ? <img className="print-photo" src={`/api/files/${value.id}?size=thumb`} alt={value.name} /> : <>{value.name}</>;
  if (isFileField(schema)) return null;
  if (typeof value === 'string' && value.startsWith('data:image/')) return <img className="print-signature" src={value} alt={titleOf('', schema)} />;
  if (isSchema(value)) return <>{Object.entries(value).map(([k, v]) => titleOf(k, isSchema(schema.properties) ? schema.properties[k] : undefined) + t('common.colon') + printedText(v, 'text')).join(t('common.semicolon'))}</>;
  return <>{printedText(value, valueKind(isSchema(schema.items) ? schema.items : schema))}</>;
}

/** Values too short to break (dates, amounts, yes/no): kept on one line; text wraps, so the table never runs past the page. */
const SHORT = new Set(['date', 'number', 'money', 'fen', 'boolean']);

/** Rows as a table: a number, then each column. */
export function PrintedTable({ title, columns, rows }: { title: string; columns: { key: string; title: string; kind: RecordColumn['kind']; schema?: Schema }[]; rows: unknown[] }) {
  return (
    <table className="print-table">
      <caption>{t('casePage.rows', { title, length: rows.length })}</caption>
      <thead><tr><th scope="col">#</th>{columns.map((c) => <th key={c.key} scope="col">{c.title}</th>)}</tr></thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i}>
            <td>{i + 1}</td>
            {columns.map((c) => {
              const v = isSchema(row) ? row[c.key] : undefined;
              return <td key={c.key} className={SHORT.has(c.kind) ? 'short' : undefined}>{c.schema ? <Value schema={c.schema} value={v} /> : printedText(v, c.kind)}</td>;
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A filled form: its fields as title–value pairs, its lists of rows as tables. */
export function PrintedForm({ schema, data }: { schema: object; data: unknown }) {
  const props = isSchema((schema as Schema).properties) ? ((schema as Schema).properties as Record<string, unknown>) : {};
  const values = isSchema(data) ? data : {};
  const fields = Object.entries(props).filter((e): e is [string, Schema] => isSchema(e[1]));
  const tables = fields.filter(([k, s]) => isTable(s) && Array.isArray(values[k]) && (values[k] as unknown[]).length > 0);
  return (
    <>
      <dl className="print-fields">
        {fields.filter(([, s]) => !isTable(s)).map(([k, s]) => (
          <div key={k} className={isFileField(s) || isSchema(values[k]) ? 'wide' : undefined}>
            <dt>{titleOf(k, s)}</dt>
            <dd><Value schema={s} value={values[k]} /></dd>
          </div>
        ))}
      </dl>
      {tables.map(([k, s]) => {
        const items = (s as { items: { properties: Record<string, Schema> } }).items.properties;
        const columns = Object.entries(items).map(([key, c]) => ({ key, title: titleOf(key, c), kind: valueKind(c), schema: c }));
        return <PrintedTable key={k} title={titleOf(k, s)} columns={columns} rows={values[k] as unknown[]} />;
      })}
    </>
  );
}
