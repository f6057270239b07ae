import { useEffect, useState } from 'react';
import type { Definition } from '../../../../engine/index';
import { api, ApiError } from '../../api';
import type { DraftState } from '../useDraft';
import { describeChanges } from './describeChanges';

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
  if (published === undefined) return <p className="muted">正在读取已发布版本…</p>;
  const changes = published ? describeChanges(published.definition, state.definition) : [];
  const errors = state.report.errors;
  return (
    <div className="publish">
      <h3>{published ? `与已发布的第 ${published.version} 版相比` : '这个流程还没有发布过'}</h3>
      {published && changes.length === 0 && <p className="muted">草稿与已发布版本没有区别。</p>}
      {changes.length > 0 && <ul className="changes">{changes.map((c, i) => <li key={i}>{c}</li>)}</ul>}
      {errors.length > 0 && (
        <div className="error" role="alert">
          <p>还有 {errors.length} 个错误，改正后才能发布：</p>
          <ul>{errors.map((p, i) => <li key={i}><button className="link" onClick={() => onProblem(p.path)}>{p.message}</button></li>)}</ul>
        </div>
      )}
      {errors.length === 0 && state.report.warnings.length > 0 && (
        <div className="warning" role="status">
          <p>可以发布，但请先看看这 {state.report.warnings.length} 条提醒：</p>
          <ul>{state.report.warnings.map((p, i) => <li key={i}><button className="link" onClick={() => onProblem(p.path)}>{p.message}</button></li>)}</ul>
        </div>
      )}
      <label>发布说明（写给以后查看版本的人）<textarea value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} placeholder="如：按县人社局 2026 年通知，增加家庭成员表" /></label>
      <p className="muted">发布后，新发起的案件用新版本；正在办理的案件继续按原版本办完。</p>
      <button className="primary" disabled={busy || errors.length > 0 || state.saved !== 'saved' || (published !== null && changes.length === 0)} onClick={async () => {
        setBusy(true);
        setError(undefined);
        try {
          const r = await api<{ version: number }>('POST', `/api/processes/${id}/publish`, { note });
          setResult(`已发布为第 ${r.version} 版`);
          state.published(r.version);
          setNote('');
        } catch (e) {
          setError(e instanceof ApiError && e.details.length ? `${e.message}：${e.details.map((d) => d.message).join('；')}` : (e as Error).message);
        } finally {
          setBusy(false);
        }
      }}>发布</button>
      {state.saved !== 'saved' && <p className="muted">草稿保存后才能发布…</p>}
      {result && <p className="banner" role="status">{result}</p>}
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}
