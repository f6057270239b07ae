import type { CatalogueRef, Definition } from '../../../../engine/index';
import { conditionFields, describeGuard, fromGuard, type Op, OPS, type SimpleCondition, toGuard } from './conditions';
import { t } from '../../i18n';

const opsFor = (kind: string): Op[] => {
  if (kind === 'number' || kind === 'money') return ['eq', 'ne', 'gte', 'lte', 'filled'];
  if (kind === 'table' || kind === 'multiChoice') return ['rowsAtLeast', 'filled'];
  return ['eq', 'ne', 'filled'];
};

/** Pick a field, an operator and a value; the guard is written for the author. */
export default function ConditionEditor({ definition, guard, eventForm, onChange }: { definition: Definition; guard?: CatalogueRef; eventForm?: string; onChange: (g: CatalogueRef | undefined) => void }) {
  const choices = conditionFields(definition, eventForm);
  const current = fromGuard(guard, eventForm);
  if (guard && !current) {
    return <p className="muted">{t('conditionEditor.condition')}{describeGuard(definition, guard)}{t('conditionEditor.complexEditItOnThe')}<button className="link" onClick={() => onChange(undefined)}>{t('conditionEditor.removeCondition')}</button></p>;
  }
  const choiceKey = (c: { on: string; form: string; field: string }) => `${c.on}|${c.form}|${c.field}`;
  const chosen = current && choices.find((c) => choiceKey(c) === choiceKey(current));
  const set = (c: SimpleCondition) => onChange(toGuard(c));
  return (
    <div className="condition">
      <label>{t('conditionEditor.conditionTakenOnlyWhenMet')}
        <select aria-label={t('conditionEditor.conditionField')} value={current ? choiceKey(current) : ''} onChange={(e) => {
          const c = choices.find((x) => choiceKey(x) === e.target.value);
          if (!c) return onChange(undefined);
          const op = opsFor(c.kind)[0]!;
          set({ on: c.on, form: c.form, field: c.field, op, value: c.kind === 'yesNo' ? true : c.options?.[0] ?? (op === 'rowsAtLeast' ? 1 : '') });
        }}>
          <option value="">{t('conditionEditor.noCondition')}</option>
          {choices.map((c) => <option key={choiceKey(c)} value={choiceKey(c)}>{c.label}</option>)}
        </select>
      </label>
      {current && chosen && (
        <div className="pair">
          <select aria-label={t('conditionEditor.comparison')} value={current.op} onChange={(e) => set({ ...current, op: e.target.value as Op })}>
            {opsFor(chosen.kind).map((o) => <option key={o} value={o}>{OPS[o]}</option>)}
          </select>
          {current.op !== 'filled' && (chosen.kind === 'yesNo'
            ? <select aria-label={t('conditionEditor.conditionValue')} value={String(current.value)} onChange={(e) => set({ ...current, value: e.target.value === 'true' })}><option value="true">{t('conditionEditor.yes')}</option><option value="false">{t('conditionEditor.no')}</option></select>
            : chosen.options && (current.op === 'eq' || current.op === 'ne')
              ? <select aria-label={t('conditionEditor.conditionValue')} value={String(current.value)} onChange={(e) => set({ ...current, value: e.target.value })}>{chosen.options.map((o) => <option key={o}>{o}</option>)}</select>
              : <input aria-label={t('conditionEditor.conditionValue')} type={['gte', 'lte', 'rowsAtLeast'].includes(current.op) || chosen.kind === 'number' || chosen.kind === 'money' ? 'number' : 'text'} value={String(current.value ?? '')}
                onChange={(e) => set({ ...current, value: e.target.type === 'number' ? Number(e.target.value) : e.target.value })} />)}
        </div>
      )}
    </div>
  );
}
