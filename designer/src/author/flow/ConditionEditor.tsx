import { useEffect, useState } from 'react';
import type { CatalogueRef, Definition } from '../../../../engine/index';
import { conditionFields, describeGuard, type FieldChoice, fromGuard, OPS, opsFor, type Scalar, type SimpleCondition, startCondition, toGuard, typedValue, typedValues, withOp } from './conditions';
import { t } from '../../i18n';

/** A value box typed from the field: what the author types is kept as typed, and only a value of the field's type is saved. */
function ValueInput({ label, type, value, onValue }: { label: string; type: FieldChoice['type']; value: Scalar | undefined; onValue: (v: Scalar) => void }) {
  const shown = value === undefined ? '' : String(value);
  const [text, setText] = useState(shown);
  useEffect(() => setText((old) => (typedValue(type, old) === value ? old : shown)), [shown, type, value]);
  const valid = typedValue(type, text) !== undefined;
  return (
    <input aria-label={label} aria-invalid={!valid || undefined} type={type === 'date' ? 'date' : 'text'} inputMode={type === 'number' || type === 'list' ? 'decimal' : undefined} value={text}
      onChange={(e) => {
        setText(e.target.value);
        const v = typedValue(type, e.target.value);
        if (v !== undefined) onValue(v);
      }} />
  );
}

/** Several values: the field's options ticked, or typed with commas between. */
function ValuesInput({ choice, values, onValues }: { choice: FieldChoice; values: Scalar[]; onValues: (v: Scalar[]) => void }) {
  const [text, setText] = useState(values.join(', '));
  if (choice.options) {
    return (
      <span role="group" aria-label={t('conditionEditor.conditionValue')}>
        {choice.options.map((o) => (
          <label key={o}><input type="checkbox" checked={values.includes(o)} onChange={(e) => onValues(e.target.checked ? [...values, o] : values.filter((v) => v !== o))} />{o}</label>
        ))}
      </span>
    );
  }
  return (
    <input aria-label={t('conditionEditor.conditionValue')} title={t('conditionEditor.oneOfHint')} placeholder={t('conditionEditor.oneOfHint')} value={text}
      onChange={(e) => {
        setText(e.target.value);
        const typed = typedValues(choice.type, e.target.value);
        if (typed.length) onValues(typed);
      }} />
  );
}

/** Pick a field, an operator and a value typed from the field; the guard is written for the author. */
export default function ConditionEditor({ definition, guard, eventForm, onChange }: { definition: Definition; guard?: CatalogueRef; eventForm?: string; onChange: (g: CatalogueRef | undefined) => void }) {
  const choices = conditionFields(definition, eventForm);
  const current = fromGuard(guard, eventForm);
  if (guard && !current) {
    return <p className="muted">{t('conditionEditor.condition')}{describeGuard(definition, guard)}{t('conditionEditor.complexEditItOnThe')}<button className="link" onClick={() => onChange(undefined)}>{t('conditionEditor.removeCondition')}</button></p>;
  }
  const choiceKey = (c: { on: string; form: string; field: string }) => `${c.on}|${c.form}|${c.field}`;
  const chosen = current && choices.find((c) => choiceKey(c) === choiceKey(current));
  const set = (c: SimpleCondition) => onChange(toGuard(c));
  const ops = chosen ? opsFor(chosen.type) : [];
  if (current && chosen && !ops.includes(current.op)) ops.push(current.op);
  const valueLabel = t('conditionEditor.conditionValue');
  return (
    <div className="condition">
      <label>{t('conditionEditor.conditionTakenOnlyWhenMet')}
        <select aria-label={t('conditionEditor.conditionField')} value={current ? choiceKey(current) : ''} onChange={(e) => {
          const c = choices.find((x) => choiceKey(x) === e.target.value);
          if (!c) return onChange(undefined);
          set(startCondition(c));
        }}>
          <option value="">{t('conditionEditor.noCondition')}</option>
          {choices.map((c) => <option key={choiceKey(c)} value={choiceKey(c)}>{c.label}</option>)}
        </select>
      </label>
      {current && chosen && (
        <div className="pair">
          <select aria-label={t('conditionEditor.comparison')} value={current.op} onChange={(e) => set(withOp(current, chosen, e.target.value as SimpleCondition['op']))}>
            {ops.map((o) => <option key={o} value={o}>{OPS[o]}</option>)}
          </select>
          {current.op === 'oneOf'
            ? <ValuesInput key={choiceKey(current)} choice={chosen} values={current.values ?? []} onValues={(values) => set({ ...current, values })} />
            : current.op === 'filled' ? null
              : chosen.type === 'boolean'
                ? <select aria-label={valueLabel} value={String(current.value)} onChange={(e) => set({ ...current, value: e.target.value === 'true' })}><option value="true">{t('conditionEditor.yes')}</option><option value="false">{t('conditionEditor.no')}</option></select>
                : chosen.options && (current.op === 'eq' || current.op === 'ne')
                  ? <select aria-label={valueLabel} value={String(current.value)} onChange={(e) => set({ ...current, value: e.target.value })}>{chosen.options.map((o) => <option key={o}>{o}</option>)}</select>
                  : <ValueInput label={valueLabel} type={chosen.type} value={current.value} onValue={(value) => set({ ...current, value })} />}
          {current.op === 'between' && (
            <>
              <span>{t('conditionEditor.upTo')}</span>
              <ValueInput label={t('conditionEditor.conditionValueUpTo')} type={chosen.type} value={current.upTo} onValue={(upTo) => set({ ...current, upTo })} />
            </>
          )}
        </div>
      )}
    </div>
  );
}
