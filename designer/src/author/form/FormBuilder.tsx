import { useEffect, useState } from 'react';
import { caseRecords, type Definition } from '../../../../engine/index';
import type { DraftState } from '../useDraft';
import { fieldProblems } from '../problemTargets';
import FieldPanel from './FieldPanel';
import { type FieldKind, type Json, KINDS, PALETTE } from './fieldKinds';
import { type Field, newField, readFields, savedIds, writeFields } from './formModel';
import Preview from './Preview';
import { t } from '../../i18n';

type Form = Definition['forms'][string];

/** Replaces one form's fields, keeping everything else about the form. */
export function withFields(d: Definition, formId: string, fields: Field[]): Definition {
  const form = d.forms[formId]!;
  const { schema, uiSchema } = writeFields(fields, form.schema as Json, (form.uiSchema ?? {}) as Json);
  const next: Form = { ...form, schema: schema as Form['schema'] };
  if (Object.keys(uiSchema).length) next.uiSchema = uiSchema as Form['uiSchema'];
  else delete next.uiSchema;
  return { ...d, forms: { ...d.forms, [formId]: next } };
}

/** Palette, field list, the chosen field's properties, and a live preview. */
export default function FormBuilder({ state, focus }: { state: DraftState; focus?: { form: string; field?: string } }) {
  const d = state.definition;
  const formIds = Object.keys(d.forms);
  const [formId, setFormId] = useState(focus?.form ?? formIds[0] ?? '');
  const [selected, setSelected] = useState<string | undefined>(focus?.field);
  useEffect(() => {
    if (focus?.form) setFormId(focus.form);
    if (focus?.field) setSelected(focus.field);
  }, [focus]);
  const form = d.forms[formId];
  const fields = form ? readFields(form.schema as Json, (form.uiSchema ?? {}) as Json) : [];
  const save = (next: Field[]) => state.update(withFields(d, formId, next));
  // The lists `append` grows, whose rows a field may pick (退回这一条).
  const rowLists = caseRecords(d).lists.map((l) => ({ path: l.path, title: l.title }));
  const add = (kind: FieldKind) => {
    const made = newField(kind, fields.map((x) => x.key));
    const f = kind === 'row' && rowLists[0] ? { ...made, schema: { ...made.schema, rowOf: rowLists[0].path } } : made;
    const at = selected ? fields.findIndex((x) => x.key === selected) + 1 : fields.length;
    save([...fields.slice(0, at), f, ...fields.slice(at)]);
    setSelected(f.key);
  };
  const move = (key: string, by: number) => {
    const i = fields.findIndex((f) => f.key === key);
    const j = i + by;
    if (j < 0 || j >= fields.length) return;
    const next = [...fields];
    [next[i], next[j]] = [next[j]!, next[i]!];
    save(next);
  };
  const addForm = () => {
    let n = formIds.length + 1;
    while (d.forms[`form${n}`]) n++;
    state.update({ ...d, forms: { ...d.forms, [`form${n}`]: { title: t('formBuilder.newForm'), schema: { type: 'object', properties: {} } } } });
    setFormId(`form${n}`);
    setSelected(undefined);
  };
  const current = fields.find((f) => f.key === selected);
  const saved = savedIds(state.baseline.forms[formId]);
  return (
    <div className="builder">
      <div className="builder-forms">
        <label>{t('formBuilder.form')}<select value={formId} onChange={(e) => { setFormId(e.target.value); setSelected(undefined); }}>
          {formIds.map((id) => <option key={id} value={id}>{t('formBuilder.formWithId', { title: d.forms[id]!.title, id })}</option>)}
        </select></label>
        <button onClick={addForm}>{t('formBuilder.newForm2')}</button>
        {form && <label>{t('formBuilder.formTitle')}<input value={form.title} onChange={(e) => state.update({ ...d, forms: { ...d.forms, [formId]: { ...form, title: e.target.value } } })} /></label>}
        {form && <label className="inline"><input type="checkbox" checked={Boolean(form.print)} onChange={(e) => state.update({ ...d, forms: { ...d.forms, [formId]: { ...form, print: e.target.checked } } })} />{t('formBuilder.printableA4WithSignatures')}</label>}
      </div>
      {form && (
        <div className="builder-grid">
          <div className="palette" aria-label={t('formBuilder.fieldKinds')}>
            <h3>{t('formBuilder.addAField')}</h3>
            {PALETTE.map((k) => <button key={k} onClick={() => add(k)}>{t('formBuilder.addKind', { label: KINDS[k].label })}</button>)}
          </div>
          <div className="field-list">
            <h3>{t('formBuilder.fields', { length: fields.length })}</h3>
            {fields.length === 0 && <p className="muted">{t('formBuilder.pickAFieldKindOn')}</p>}
            <ol>
              {fields.map((f) => {
                const problems = fieldProblems(d, state.report.errors, formId, f.key);
                return (
                  <li key={f.key} className={`${f.key === selected ? 'on' : ''} ${problems.length ? 'has-problem' : ''}`}>
                    <button className="field-pick" onClick={() => setSelected(f.key)}>
                      <strong>{f.title || t('formBuilder.untitled')}</strong>{f.required && <span className="req">*</span>}
                      <span className="muted"> {KINDS[f.kind].label}{f.showIf ? t('formBuilder.shownOnACondition') : ''}</span>
                      {problems.map((p, i) => <span key={i} className="field-problem">{p.message}</span>)}
                    </button>
                    <span className="field-tools">
                      <button aria-label={t('formBuilder.moveUp')} onClick={() => move(f.key, -1)}>↑</button>
                      <button aria-label={t('formBuilder.moveDown')} onClick={() => move(f.key, 1)}>↓</button>
                      <button aria-label={t('formBuilder.delete')} onClick={() => { save(fields.filter((x) => x.key !== f.key)); setSelected(undefined); }}>✕</button>
                    </span>
                  </li>
                );
              })}
            </ol>
          </div>
          <div className="field-props">
            {current
              ? <FieldPanel field={current} siblings={fields} rowLists={rowLists} fixed={(path) => saved.has(path)} problems={fieldProblems(d, [...state.report.errors, ...state.report.warnings], formId, current.key)}
                onChange={(f) => {
                  save(fields.map((x) => (x.key === current.key ? f : x.showIf?.field === current.key ? { ...x, showIf: { ...x.showIf, field: f.key } } : x)));
                  setSelected(f.key);
                }} />
              : <p className="muted">{t('formBuilder.selectAFieldToSet')}</p>}
          </div>
          <Preview form={form} />
        </div>
      )}
    </div>
  );
}
