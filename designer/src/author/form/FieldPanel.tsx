import { useRef, useState } from 'react';
import { formulaFunctions, type Problem } from '../../../../engine/index';
import { COLUMN_KINDS, type FieldKind, GROUP_KINDS, KINDS } from './fieldKinds';
import { changeKind, cleanKey, type ConditionValue, type Field, newField, retitle } from './formModel';
import { accept, type Completion, completionsFor, type FormulaField, wordBefore } from './formulaCompletion';
import { t } from '../../i18n';

const LIMIT_WORDS = { length: [t('fieldPanel.fewestCharacters'), t('fieldPanel.mostCharacters')], value: [t('fieldPanel.smallestValue'), t('fieldPanel.largestValue')], items: [t('fieldPanel.fewestItems'), t('fieldPanel.mostItems')] } as const;

const num = (text: string) => (text.trim() === '' ? undefined : Number(text));

const RESULT_TYPES = [['number', t('fieldPanel.number')], ['integer', t('fieldPanel.wholeNumber')], ['string', t('fieldPanel.typeText')], ['boolean', t('fieldPanel.yesNo')]] as const;

/**
 * A computed field's formula: Excel-style, over the fields beside it. Typing a field's key or
 * title, or a function's name, offers completions (↑↓ to choose, Enter or Tab to take, Esc to
 * close); the pickers insert at the caret. Mistakes show above as the checker finds them, and
 * the preview computes the value as you type in it.
 */
function FormulaEditor({ field, siblings, onChange }: { field: Field; siblings: Field[]; onChange: (patch: Partial<Field>) => void }) {
  const formula = typeof field.schema.formula === 'string' ? field.schema.formula : '';
  const setSchema = (patch: Record<string, unknown>) => onChange({ schema: { ...field.schema, ...patch } });
  const area = useRef<HTMLTextAreaElement>(null);
  const [caret, setCaret] = useState<number | null>(null);
  const [chosen, setChosen] = useState(0);
  const fields: FormulaField[] = siblings.filter((s) => s.key !== field.key).flatMap((s) => (s.kind === 'table' ? (s.columns ?? []).map((c) => ({ path: `${s.key}.${c.key}`, title: `${s.title} › ${c.title}` })) : [{ path: s.key, title: s.title || s.key }]));
  const at = caret ?? formula.length;
  const { word, start } = wordBefore(formula, at);
  const options = caret === null ? [] : completionsFor(word, fields);
  const put = (text: string, nextCaret: number) => {
    setSchema({ formula: text });
    setCaret(nextCaret);
    setChosen(0);
    requestAnimationFrame(() => area.current?.setSelectionRange(nextCaret, nextCaret));
  };
  const take = (c: Completion) => {
    const r = accept(formula, at, start, c);
    put(r.text, r.caret);
    area.current?.focus();
  };
  const insert = (text: string) => {
    const before = formula.slice(0, at);
    const pad = before && !/[\s(,]$/.test(before) ? ' ' : '';
    put(before + pad + text + formula.slice(at), at + pad.length + text.length);
  };
  const onKeyDown = (e: React.KeyboardEvent<HTMLTextAreaElement>) => {
    if (!options.length) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setChosen((i) => (i + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      take(options[Math.min(chosen, options.length - 1)]!);
    } else if (e.key === 'Escape') {
      setCaret(null);
    }
  };
  const track = (e: React.SyntheticEvent<HTMLTextAreaElement>) => setCaret(e.currentTarget.selectionStart);
  return (
    <fieldset className="formula">
      <legend>{t('fieldPanel.formulaEGSumMembers')}</legend>
      <textarea ref={area} rows={2} value={formula} spellCheck={false} aria-autocomplete="list" aria-expanded={options.length > 0}
        onChange={(e) => { setSchema({ formula: e.target.value }); setCaret(e.target.selectionStart); setChosen(0); }}
        onKeyDown={onKeyDown} onKeyUp={(e) => !['ArrowDown', 'ArrowUp', 'Escape'].includes(e.key) && track(e)} onClick={track} onBlur={() => setTimeout(() => setCaret(null), 150)} />
      {options.length > 0 && (
        <ul className="completions" role="listbox" aria-label={t('fieldPanel.suggestions')}>
          {options.map((c, i) => (
            <li key={c.insert} role="option" aria-selected={i === chosen} className={i === chosen ? 'chosen' : undefined} onMouseDown={(e) => { e.preventDefault(); take(c); }}>
              <code>{c.label}</code> <span className="muted">{c.detail}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="pair">
        <label>{t('fieldPanel.insertAField')}<select value="" onChange={(e) => e.target.value && insert(e.target.value)}>
          <option value="">{t('fieldPanel.choose')}</option>
          {fields.map((f) => <option key={f.path} value={f.path}>{f.title}</option>)}
        </select></label>
        <label>{t('fieldPanel.insertAFunction')}<select value="" onChange={(e) => e.target.value && insert(`${e.target.value}(`)}>
          <option value="">{t('fieldPanel.choose')}</option>
          {Object.entries(formulaFunctions).map(([name, fn]) => <option key={name} value={name} title={fn.summary}>{name} — {fn.summary.split(t('common.colon'))[0]}</option>)}
        </select></label>
      </div>
      <label>{t('fieldPanel.resultType')}<select value={String(field.schema.type ?? 'number')} onChange={(e) => setSchema({ type: e.target.value })}>
        {RESULT_TYPES.map(([v, label]) => <option key={v} value={v}>{label}</option>)}
      </select></label>
      <p className="muted">{t('fieldPanel.computedFieldsAreReadOnly')}</p>
    </fieldset>
  );
}

/** A list the process appends to, whose rows a field may pick: its path and its form's title. */
export interface RowList {
  path: string;
  title: string;
}

/** Which list a row-picking field (退回这一条) picks from: one of those the process's `append` actions grow. */
function RowListPicker({ field, lists, onChange }: { field: Field; lists: RowList[]; onChange: (patch: Partial<Field>) => void }) {
  const rowOf = typeof field.schema.rowOf === 'string' ? field.schema.rowOf : '';
  return (
    <fieldset className="row-of">
      <legend>{t('fieldPanel.pickARowOf')}</legend>
      {lists.length ? (
        <select aria-label={t('fieldPanel.pickARowOf')} value={rowOf} onChange={(e) => onChange({ schema: { ...field.schema, rowOf: e.target.value } })}>
          {!lists.some((l) => l.path === rowOf) && <option value={rowOf}>{t('fieldPanel.choose')}</option>}
          {lists.map((l) => <option key={l.path} value={l.path}>{t('formBuilder.formWithId', { title: l.title, id: l.path })}</option>)}
        </select>
      ) : <p className="muted">{t('fieldPanel.noListIsAppended')}</p>}
      <p className="muted">{t('fieldPanel.rowPickerHelp')}</p>
    </fieldset>
  );
}

/**
 * The chosen field's properties: title, key, help, required, limits, options, conditional display; a table's columns.
 * `fixed(path)` says whether saved data may hold a field's id (`key`, or `table.column` for a column): such an id never follows its title.
 */
export default function FieldPanel({ field, siblings, problems, onChange, nested, fixed, rowLists = [] }: { field: Field; siblings: Field[]; problems: Problem[]; onChange: (f: Field) => void; nested?: boolean; fixed: (path: string) => boolean; rowLists?: RowList[] }) {
  const set = (patch: Partial<Field>) => onChange({ ...field, ...patch });
  const limits = KINDS[field.kind].limits;
  const controllers = siblings.filter((s) => s.key !== field.key && !s.showIf && (s.kind === 'yesNo' || s.kind === 'choice'));
  const controller = controllers.find((c) => c.key === field.showIf?.field);
  const [column, setColumn] = useState<string>();
  const columns = field.columns ?? [];
  const currentColumn = columns.find((c) => c.key === column);
  return (
    <div className="field-panel">
      <h3>{KINDS[field.kind].label}</h3>
      {problems.map((p, i) => <p key={i} className="field-problem">{p.message}</p>)}
      <label>{t('fieldPanel.titleTheNameStaffSee')}<input value={field.title} onChange={(e) => onChange(retitle(field, e.target.value, siblings, fixed(field.key)))} /></label>
      <label>{t('fieldPanel.fieldKeyEnglishUsedIn')}<input value={field.key} onChange={(e) => set({ key: cleanKey(e.target.value) })} /></label>
      <p className="muted">{fixed(field.key) ? t('fieldPanel.savedIdStays') : t('fieldPanel.idFollowsTitle')}</p>
      <label>{t('fieldPanel.helpText')}<input value={field.help} onChange={(e) => set({ help: e.target.value })} placeholder={t('fieldPanel.shownUnderTheTitle')} /></label>
      {field.kind === 'computed' ? (
        <FormulaEditor field={field} siblings={siblings} onChange={set} />
      ) : (
        <label className="inline"><input type="checkbox" checked={field.required} onChange={(e) => set({ required: e.target.checked })} />{t('fieldPanel.required')}</label>
      )}
      {field.kind === 'row' && <RowListPicker field={field} lists={rowLists} onChange={set} />}
      {limits && (
        <div className="pair">
          <label>{LIMIT_WORDS[limits][0]}<input type="number" value={field.min ?? ''} onChange={(e) => set({ min: num(e.target.value) })} /></label>
          <label>{LIMIT_WORDS[limits][1]}<input type="number" value={field.max ?? ''} onChange={(e) => set({ max: num(e.target.value) })} /></label>
        </div>
      )}
      {KINDS[field.kind].options && (
        <label>{t('fieldPanel.optionsOnePerLine')}<textarea rows={4} value={(field.options ?? []).join('\n')} onChange={(e) => set({ options: e.target.value.split('\n').map((s) => s.trim()).filter(Boolean) })} /></label>
      )}
      {!nested && (
        <fieldset className="show-if">
          <legend>{t('fieldPanel.showWhen')}</legend>
          <label>{t('fieldPanel.onlyWhen')}<select value={field.showIf?.field ?? ''} onChange={(e) => {
            const c = controllers.find((x) => x.key === e.target.value);
            set({ showIf: c ? { field: c.key, equals: c.kind === 'yesNo' ? true : c.options?.[0] ?? '' } : undefined });
          }}>
            <option value="">{t('fieldPanel.alwaysShown')}</option>
            {controllers.map((c) => <option key={c.key} value={c.key}>{c.title}</option>)}
          </select></label>
          {controller && field.showIf && (
            <label>{t('fieldPanel.equals')}<select value={String(field.showIf.equals)} onChange={(e) => {
              const v: ConditionValue = controller.kind === 'yesNo' ? e.target.value === 'true' : e.target.value;
              set({ showIf: { field: controller.key, equals: v } });
            }}>
              {controller.kind === 'yesNo' ? <><option value="true">{t('fieldPanel.yes')}</option><option value="false">{t('fieldPanel.no')}</option></> : controller.options?.map((o) => <option key={o} value={o}>{o}</option>)}
            </select>{t('fieldPanel.showIt')}</label>
          )}
        </fieldset>
      )}
      {(field.kind === 'table' || field.kind === 'group') && (
        <fieldset className="columns">
          <legend>{field.kind === 'table' ? t('fieldPanel.tableColumns', { length: columns.length }) : t('fieldPanel.fieldsInTheGroup', { length: columns.length })}</legend>
          <ol>
            {columns.map((c) => {
              const setColumnTo = (next: Field) => set({ columns: columns.map((x) => (x.key === c.key ? next : x)) });
              const kinds = field.kind === 'table' ? COLUMN_KINDS : GROUP_KINDS;
              // Title, kind and required are edited in the row itself; the rest (id, limits, options) under 更多.
              return (
                <li key={c.key} className={`column-row ${c.key === column ? 'on' : ''}`}>
                  <input aria-label={t('fieldPanel.columnTitle', { key: c.key })} value={c.title} onChange={(e) => {
                    const next = retitle(c, e.target.value, columns, fixed(`${field.key}.${c.key}`));
                    setColumnTo(next);
                    if (column === c.key) setColumn(next.key);
                  }} />
                  <select aria-label={t('fieldPanel.columnKind', { key: c.key })} value={c.kind} onChange={(e) => setColumnTo(changeKind(c, e.target.value as FieldKind))}>
                    {(kinds.includes(c.kind) ? kinds : [c.kind, ...kinds]).map((k) => <option key={k} value={k}>{KINDS[k].label}</option>)}
                  </select>
                  {c.kind !== 'computed' && <label className="inline"><input type="checkbox" aria-label={t('fieldPanel.columnRequired', { key: c.key })} checked={c.required} onChange={(e) => setColumnTo({ ...c, required: e.target.checked })} />{t('fieldPanel.required')}</label>}
                  <button className="link" aria-expanded={c.key === column} onClick={() => setColumn(c.key === column ? undefined : c.key)}>{t('fieldPanel.moreColumnSettings')}</button>
                  <button aria-label={t('fieldPanel.deleteColumn')} onClick={() => set({ columns: columns.filter((x) => x.key !== c.key) })}>✕</button>
                </li>
              );
            })}
          </ol>
          <label>{field.kind === 'table' ? t('fieldPanel.addAColumn') : t('fieldPanel.addAFieldToThe')}<select value="" onChange={(e) => {
            if (!e.target.value) return;
            const c = newField(e.target.value as FieldKind, columns.map((x) => x.key));
            set({ columns: [...columns, c] });
            setColumn(c.key);
          }}>
            <option value="">{t('fieldPanel.chooseAKind')}</option>
            {(field.kind === 'table' ? COLUMN_KINDS : GROUP_KINDS).map((k) => <option key={k} value={k}>{KINDS[k].label}</option>)}
          </select></label>
          {currentColumn && (
            <div className="nested">
              <FieldPanel nested={field.kind === 'table'} field={currentColumn} siblings={columns} problems={[]} fixed={(path) => fixed(`${field.key}.${path}`)} onChange={(c) => {
                set({ columns: columns.map((x) => (x.key === currentColumn.key ? c : x)) });
                setColumn(c.key);
              }} />
            </div>
          )}
        </fieldset>
      )}
    </div>
  );
}
