import { lazy, Suspense, useEffect, useState } from 'react';
import { api, ApiError } from '../api';
import type { Definition } from '../../../engine/index';
import BasicsPanel from './BasicsPanel';
import FormBuilder from './form/FormBuilder';
import { targetOf, type Target } from './problemTargets';
import { useDraft } from './useDraft';
import { t } from '../i18n';

// The heavy tools load when first opened: the graph (React Flow + elk), the JSON editor, the simulator.
const FlowEditor = lazy(() => import('./flow/FlowEditor'));
const JsonView = lazy(() => import('./json/JsonView'));
const Simulator = lazy(() => import('./simulate/Simulator'));
const PublishPanel = lazy(() => import('./publish/PublishPanel'));
const VariationView = lazy(() => import('./variation/VariationView'));

type Tab = 'basic' | 'form' | 'flow' | 'simulate' | 'variation' | 'json' | 'publish';

const SAVE_WORDS = { saved: t('editorPage.draftSaved'), saving: t('editorPage.saving'), unsaved: t('editorPage.unsavedChanges'), error: t('editorPage.saveFailed'), conflict: t('editorPage.notSavedConflictsWithSomeone') } as const;

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
  if (!state) return <p className="muted">{t('editorPage.openingProcess')}</p>;
  const { definition, report } = state;
  const tabs: [Tab, string][] = [
    ['basic', t('editorPage.basicsAndRoles')], ['form', t('editorPage.forms')], ['flow', t('editorPage.flow')], ['simulate', t('editorPage.simulate')],
    ...(state.template ? [['variation', t('editorPage.countyChanges')] as [Tab, string]] : []), ['json', 'JSON'], ['publish', t('editorPage.publish')],
  ];
  const go = (path: string) => {
    const t = targetOf(definition, path);
    setFocus(t);
    setTab(t.tab);
  };
  return (
    <div className="editor">
      <div className="editor-head">
        <a href="#/author" className="link">{t('editorPage.processLibrary')}</a>
        <h2>{definition.title} <span className="muted">{id}{state.template ? t('editorPage.extendsTemplate', { id: state.template.id }) : ''}{state.publishedVersion ? t('editorPage.versionPublished', { publishedVersion: state.publishedVersion }) : t('editorPage.notPublished')}</span></h2>
        <span className={`save-state ${state.saved}`} role="status">{SAVE_WORDS[state.saved]}{state.saveError && state.saved === 'error' ? t('editorPage.saveError', { saveError: state.saveError }) : ''}</span>
        <button onClick={state.undo} disabled={!state.canUndo}>{t('editorPage.undo')}</button>
        {state.publishedVersion !== null && <button onClick={async () => {
          if (!confirm(t('editorPage.discardEveryChangeInThe', { publishedVersion: state.publishedVersion }))) return;
          await api('DELETE', `/api/processes/${id}/draft`).catch((e: unknown) => { if (!(e instanceof ApiError && e.status === 404)) throw e; });
          location.reload();
        }}>{t('editorPage.discardDraft')}</button>}
      </div>
      {state.saved === 'conflict' && (
        <div className="banner warn" role="alert">
          {state.saveError}{t('editorPage.yourChangesAreStillOn')}
          <button onClick={() => state.resolveConflict('mine')}>{t('editorPage.keepMyVersionOverwriteTheir')}</button>
          <button onClick={() => state.resolveConflict('theirs')}>{t('editorPage.loadTheirLatestDraftDiscard')}</button>
        </div>
      )}
      <nav className="tabs" role="tablist">
        {tabs.map(([k, label]) => <button key={k} role="tab" aria-selected={tab === k} className={tab === k ? 'on' : ''} onClick={() => setTab(k)}>{label}{k === 'publish' && report.errors.length ? t('editorPage.problems', { length: report.errors.length }) : ''}</button>)}
      </nav>
      <div className="editor-body">
        <section className="editor-main">
          <Suspense fallback={<p className="muted">{t('editorPage.loading')}</p>}>
            {tab === 'basic' && <BasicsPanel state={state} />}
            {tab === 'form' && <FormBuilder state={state} focus={focus?.tab === 'form' ? focus : undefined} />}
            {tab === 'flow' && <FlowEditor state={state} focus={focus?.tab === 'flow' ? focus : undefined} />}
            {tab === 'simulate' && <Simulator definition={definition} report={report} />}
            {tab === 'variation' && state.template && <VariationView state={state} />}
            {tab === 'json' && <JsonView state={state} />}
            {tab === 'publish' && <PublishPanel id={id} state={state} onProblem={go} />}
          </Suspense>
        </section>
        <aside className="problems" aria-label={t('editorPage.problems2')}>
          <h3>{report.errors.length ? t('editorPage.errors', { length: report.errors.length }) : t('editorPage.noErrors')}{report.warnings.length ? t('editorPage.warnings', { length: report.warnings.length }) : ''}</h3>
          <ul>
            {[...report.errors, ...report.warnings].map((p, i) => (
              <li key={i} className={p.severity}>
                <button className="link" onClick={() => go(p.path)}>{p.severity === 'error' ? t('editorPage.error') : t('editorPage.warning')}{t('common.colon')}{p.message}</button>
              </li>
            ))}
          </ul>
        </aside>
      </div>
    </div>
  );
}
