import type { CatalogueRef, Definition } from '../../../../engine/index';
import { conditionFields, describeGuard, fromGuard, type Op, OPS, type SimpleCondition, toGuard } from './conditions';

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
    return <p className="muted">条件：{describeGuard(definition, guard)}（较复杂，请在 JSON 页修改）<button className="link" onClick={() => onChange(undefined)}>去掉条件</button></p>;
  }
  const choiceKey = (c: { on: string; form: string; field: string }) => `${c.on}|${c.form}|${c.field}`;
  const chosen = current && choices.find((c) => choiceKey(c) === choiceKey(current));
  const set = (c: SimpleCondition) => onChange(toGuard(c));
  return (
    <div className="condition">
      <label>条件（满足才走这条路）
        <select aria-label="条件字段" value={current ? choiceKey(current) : ''} onChange={(e) => {
          const c = choices.find((x) => choiceKey(x) === e.target.value);
          if (!c) return onChange(undefined);
          const op = opsFor(c.kind)[0]!;
          set({ on: c.on, form: c.form, field: c.field, op, value: c.kind === 'yesNo' ? true : c.options?.[0] ?? (op === 'rowsAtLeast' ? 1 : '') });
        }}>
          <option value="">（无条件）</option>
          {choices.map((c) => <option key={choiceKey(c)} value={choiceKey(c)}>{c.label}</option>)}
        </select>
      </label>
      {current && chosen && (
        <div className="pair">
          <select aria-label="比较方式" value={current.op} onChange={(e) => set({ ...current, op: e.target.value as Op })}>
            {opsFor(chosen.kind).map((o) => <option key={o} value={o}>{OPS[o]}</option>)}
          </select>
          {current.op !== 'filled' && (chosen.kind === 'yesNo'
            ? <select aria-label="条件的值" value={String(current.value)} onChange={(e) => set({ ...current, value: e.target.value === 'true' })}><option value="true">是</option><option value="false">否</option></select>
            : chosen.options && (current.op === 'eq' || current.op === 'ne')
              ? <select aria-label="条件的值" value={String(current.value)} onChange={(e) => set({ ...current, value: e.target.value })}>{chosen.options.map((o) => <option key={o}>{o}</option>)}</select>
              : <input aria-label="条件的值" type={['gte', 'lte', 'rowsAtLeast'].includes(current.op) || chosen.kind === 'number' || chosen.kind === 'money' ? 'number' : 'text'} value={String(current.value ?? '')}
                onChange={(e) => set({ ...current, value: e.target.type === 'number' ? Number(e.target.value) : e.target.value })} />)}
        </div>
      )}
    </div>
  );
}
