import { useEffect, useState } from 'react';
import type { Definition } from '../../../../engine/index';
import { api, errorText, SLOW_REQUEST_TIMEOUT_MS } from '../../api';
import type { DraftState } from '../useDraft';
import { describeChanges } from './describeChanges';
import { t } from '../../i18n';

/** The draft against the published version in plain words, a note, then publish; running cases stay on their version. */
export default function PublishPanel({ id, state, onProblem }: { id: string; state: DraftState; onProblem: (path: string) => void }) {
  const [published, setPublished] = useState<{ version: number; definition: Definition } | null>();
  const [note, setNote] = useState('');
  const [result, setResult] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api<{ version: number; definition: Definition }>('GET', `/api/processes/${id}`).then(setPublished, () => setPublished(null));
  }, [id, result]);
  if (published === undefined) return <p className="muted">{t('publishPanel.readingThePublishedVersions')}</p>;
  const changes = published ? describeChanges(published.definition, state.definition) : [];
  const errors = state.report.errors;
  return (
    <div className="publish">
      <h3>{published ? t('publishPanel.comparedWithPublishedVersion', { version: published.version }) : t('publishPanel.thisProcessHasNeverBeen')}</h3>
      {published && changes.length === 0 && <p className="muted">{t('publishPanel.theDraftIsTheSame')}</p>}
      {changes.length > 0 && <ul className="changes">{changes.map((c, i) => <li key={i}>{c}</li>)}</ul>}
      {errors.length > 0 && (
        <div className="error" role="alert">
          <p>{t('publishPanel.errorsRemainFixThemTo', { length: errors.length })}</p>
          <ul>{errors.map((p, i) => <li key={i}><button className="link" onClick={() => onProblem(p.path)}>{p.message}</button></li>)}</ul>
        </div>
      )}
      {errors.length === 0 && state.report.warnings.length > 0 && (
        <div className="warning" role="status">
          <p>{t('publishPanel.itCanBePublishedBut', { length: state.report.warnings.length })}</p>
          <ul>{state.report.warnings.map((p, i) => <li key={i}><button className="link" onClick={() => onProblem(p.path)}>{p.message}</button></li>)}</ul>
        </div>
      )}
      <label>{t('publishPanel.publicationNoteForWhoeverLooks')}<textarea value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} placeholder={t('publishPanel.eGPerTheCounty')} /></label>
      <p className="muted">{t('publishPanel.oncePublishedNewCasesUse')}</p>
      <button className="primary" disabled={busy || errors.length > 0 || state.saved !== 'saved' || (published !== null && changes.length === 0)} onClick={async () => {
        setBusy(true);
        setError(undefined);
        try {
          const r = await api<{ version: number }>('POST', `/api/processes/${id}/publish`, { note }, {}, SLOW_REQUEST_TIMEOUT_MS);
          setResult(t('publishPanel.publishedAsVersion', { version: r.version }));
          state.published(r.version);
          setNote('');
        } catch (e) {
          setError(errorText(e));
        } finally {
          setBusy(false);
        }
      }}>{t('publishPanel.publish')}</button>
      {state.saved !== 'saved' && <p className="muted">{t('publishPanel.theDraftMustBeSaved')}</p>}
      {result && <p className="banner" role="status">{result}</p>}
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}
