import { actions as catalogue } from '../../../../engine/index';
import type { CatalogueRef } from '../../../../engine/index';
import { StepForm } from '../../stepForm';

const NAMES: Record<string, string> = {
  save: '保存表单数据', append: '追加到列表', set: '写入一个值', clear: '清除一个值', allocate: '按份额分配金额', score: '计算得分', spawn: '派生子案件', countChild: '子案件计数', notify: '发送提醒',
};

/** Chinese names for the catalogue's parameters (the params schemas are the engine's, in English keys). */
const PARAM_TITLES: Record<string, string> = {
  to: '保存到（数据位置，如 register 或 review.result）', path: '数据位置', value: '值', now: '写入当前时间', stamp: '记下时间和提交人',
  total: '总金额所在位置', unit: '金额单位', roster: '名册所在位置', shares: '份额字段', items: '评分项', points: '分值', min: '最低分',
  from: '名册所在位置', process: '子流程编号', fields: '带给子案件的字段', roles: '提醒哪些角色', message: '提醒内容',
};

const paramsUi = (schema: object) => Object.fromEntries(Object.keys((schema as { properties?: object }).properties ?? {})
  .map((k) => [k, { 'ui:title': PARAM_TITLES[k] ?? k }]));

/** The transition's actions, chosen from the catalogue; each one's parameters as a small form from its params schema. */
export default function ActionsEditor({ value, onChange }: { value: CatalogueRef[]; onChange: (list: CatalogueRef[]) => void }) {
  const asObject = (a: CatalogueRef) => (typeof a === 'string' ? { type: a } : a);
  return (
    <div className="actions-editor">
      <h4>执行的动作</h4>
      {value.length === 0 && <p className="muted">无（不保存数据）</p>}
      <ol>
        {value.map((raw, i) => {
          const a = asObject(raw);
          const entry = catalogue[a.type];
          return (
            <li key={i}>
              <strong>{NAMES[a.type] ?? a.type}</strong> <span className="muted">{entry?.summary}</span>
              <button className="link" onClick={() => onChange(value.filter((_, j) => j !== i))}>移除</button>
              {entry && Object.keys((entry.params as { properties?: object }).properties ?? {}).length > 0 && (
                <div className="params">
                  <StepForm schema={entry.params} uiSchema={paramsUi(entry.params)} formData={a.params ?? {}} readOnly={false} submitLabel="" hideSubmit
                    onChange={(p) => onChange(value.map((x, j) => (j === i ? { type: a.type, ...(p && Object.keys(p as object).length ? { params: p as Record<string, unknown> } : {}) } : x)))} />
                </div>
              )}
            </li>
          );
        })}
      </ol>
      <label>添加动作<select value="" onChange={(e) => e.target.value && onChange([...value, { type: e.target.value }])}>
        <option value="">选择…</option>
        {Object.keys(catalogue).map((name) => <option key={name} value={name}>{NAMES[name] ?? name}：{catalogue[name]!.summary}</option>)}
      </select></label>
    </div>
  );
}
