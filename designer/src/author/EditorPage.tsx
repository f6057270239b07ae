import { lazy, Suspense, useEffect, useState } from 'react';
import { api, ApiError } from '../api';
import type { Definition } from '../../../engine/index';
import BasicsPanel from './BasicsPanel';
import FormBuilder from './form/FormBuilder';
import { targetOf, type Target } from './problemTargets';
import { useDraft } from './useDraft';

// The heavy tools load when first opened: the graph (React Flow + elk), the JSON editor, the simulator.
const FlowEditor = lazy(() => import('./flow/FlowEditor'));
const JsonView = lazy(() => import('./json/JsonView'));
const Simulator = lazy(() => import('./simulate/Simulator'));
const PublishPanel = lazy(() => import('./publish/PublishPanel'));
const VariationView = lazy(() => import('./variation/VariationView'));

type Tab = 'basic' | 'form' | 'flow' | 'simulate' | 'variation' | 'json' | 'publish';

const SAVE_WORDS = { saved: '已保存草稿', saving: '正在保存…', unsaved: '有改动未保存', error: '保存失败', conflict: '未保存（与他人的改动冲突）' } as const;

export default function EditorPage({ id, fresh }: { id: string; fresh: Definition | null }) {
  const { state, error } = useDraft(id, fresh);
  const [tab, setTab] = useState<Tab>('form');
  const [focus, setFocus] = useState<Target>();
  const unsaved = state !== undefined && state.saved !== 'saved';
  // Leaving with changes not yet on the server asks first.
  useEffect(() => {
    if (!unsaved) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [unsaved]);
  if (error) return <p className="error">{error}</p>;
  if (!state) return <p className="muted">正在打开流程…</p>;
  const { definition, report } = state;
  const tabs: [Tab, string][] = [
    ['basic', '基本信息与角色'], ['form', '表单'], ['flow', '流程图'], ['simulate', '模拟运行'],
    ...(state.template ? [['variation', '本县改动'] as [Tab, string]] : []), ['json', 'JSON'], ['publish', '发布'],
  ];
  const go = (path: string) => {
    const t = targetOf(definition, path);
    setFocus(t);
    setTab(t.tab);
  };
  return (
    <div className="editor">
      <div className="editor-head">
        <a href="#/author" className="link">← 流程库</a>
        <h2>{definition.title} <span className="muted">{id}{state.template ? ` · 继承模板 ${state.template.id}` : ''}{state.publishedVersion ? ` · 已发布第 ${state.publishedVersion} 版` : ' · 未发布'}</span></h2>
        <span className={`save-state ${state.saved}`} role="status">{SAVE_WORDS[state.saved]}{state.saveError && state.saved === 'error' ? `：${state.saveError}` : ''}</span>
        <button onClick={state.undo} disabled={!state.canUndo}>撤销</button>
        {state.publishedVersion !== null && <button onClick={async () => {
          if (!confirm(`放弃草稿中的所有改动，回到已发布的第 ${state.publishedVersion} 版？`)) return;
          await api('DELETE', `/api/processes/${id}/draft`).catch((e: unknown) => { if (!(e instanceof ApiError && e.status === 404)) throw e; });
          location.reload();
        }}>放弃草稿</button>}
      </div>
      {state.saved === 'conflict' && (
        <div className="banner warn" role="alert">
          {state.saveError}。您的改动仍在本页，请选择：
          <button onClick={() => state.resolveConflict('mine')}>保留我的版本（覆盖对方的改动）</button>
          <button onClick={() => state.resolveConflict('theirs')}>载入对方的最新草稿（放弃我的改动）</button>
        </div>
      )}
      <nav className="tabs" role="tablist">
        {tabs.map(([k, label]) => <button key={k} role="tab" aria-selected={tab === k} className={tab === k ? 'on' : ''} onClick={() => setTab(k)}>{label}{k === 'publish' && report.errors.length ? ` (${report.errors.length} 个问题)` : ''}</button>)}
      </nav>
      <div className="editor-body">
        <section className="editor-main">
          <Suspense fallback={<p className="muted">正在加载…</p>}>
            {tab === 'basic' && <BasicsPanel state={state} />}
            {tab === 'form' && <FormBuilder state={state} focus={focus?.tab === 'form' ? focus : undefined} />}
            {tab === 'flow' && <FlowEditor state={state} focus={focus?.tab === 'flow' ? focus : undefined} />}
            {tab === 'simulate' && <Simulator definition={definition} report={report} />}
            {tab === 'variation' && state.template && <VariationView state={state} />}
            {tab === 'json' && <JsonView state={state} />}
            {tab === 'publish' && <PublishPanel id={id} state={state} onProblem={go} />}
          </Suspense>
        </section>
        <aside className="problems" aria-label="问题">
          <h3>{report.errors.length ? `${report.errors.length} 个错误` : '没有错误'}{report.warnings.length ? `，${report.warnings.length} 个提醒` : ''}</h3>
          <ul>
            {[...report.errors, ...report.warnings].map((p, i) => (
              <li key={i} className={p.severity}>
                <button className="link" onClick={() => go(p.path)}>{p.severity === 'error' ? '错误' : '提醒'}：{p.message}</button>
              </li>
            ))}
          </ul>
        </aside>
      </div>
    </div>
  );
}
