import type { DraftState } from '../useDraft';
import { describeChanges } from '../publish/describeChanges';

const text = (v: unknown) => JSON.stringify(v, null, 2);

/** The shared template, this county's changes (saved as a JSON Merge Patch) and the result, side by side. */
export default function VariationView({ state }: { state: DraftState }) {
  const template = state.template!;
  const body = state.body as { extends: string; patch: Record<string, unknown> };
  const changes = describeChanges(template, state.definition);
  const exportPatch = () => {
    const file = { $schema: '../../variation.schema.json', ...body };
    const blob = new Blob([`${text(file)}\n`], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${template.id}.json`;
    a.click();
  };
  return (
    <div className="variation">
      <p>本县的改动只保存为对模板「{template.title}」的补丁（JSON Merge Patch），模板更新时本县仍能继承。
        <button onClick={exportPatch}>导出本县补丁文件</button></p>
      {changes.length ? <ul className="changes">{changes.map((c, i) => <li key={i}>{c}</li>)}</ul> : <p className="muted">与模板完全相同。</p>}
      <div className="three">
        <section><h4>模板 {template.id}</h4><pre>{text(template)}</pre></section>
        <section><h4>本县改动（补丁）</h4><pre data-testid="patch">{text(body.patch)}</pre></section>
        <section><h4>合并结果（实际运行）</h4><pre>{text(state.definition)}</pre></section>
      </div>
    </div>
  );
}
