import { useEffect, useState } from 'react';
import { api, ApiError, type CaseView, csrfToken } from '../api';
import { t } from '../i18n';
import { startOffline } from '../outbox';

interface Process { id: string; title: string; caseLevel: string; canStart: boolean }
interface Unit { id: string; name: string; level: string }
interface ImportReport { dryRun: boolean; rows: number; created: number; errors: { row: number; column: string; message: string }[] }

/** Start a case of a process at an org unit; or import a roster (dry run first). */
export default function StartPage() {
  const [processes, setProcesses] = useState<Process[]>([]);
  const [units, setUnits] = useState<Unit[]>([]);
  const [processId, setProcessId] = useState('');
  const [unitId, setUnitId] = useState('');
  const [error, setError] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  useEffect(() => {
    void Promise.all([api<Process[]>('GET', '/api/processes'), api<Unit[]>('GET', '/api/org-units')]).then(([p, u]) => {
      const startable = p.filter((x) => x.canStart);
      setProcesses(startable);
      setUnits(u);
      setProcessId((chosen) => chosen || startable[0]?.id || '');
    });
  }, []);
  const process = processes.find((p) => p.id === processId);
  const choices = units.filter((u) => u.level === process?.caseLevel);
  useEffect(() => setUnitId(choices[0]?.id ?? ''), [processId, units.length]);

  // Each process a cadre may start is kept on the phone, so a case can be started without signal.
  useEffect(() => {
    if (navigator.onLine) for (const p of processes) void api('GET', `/api/processes/${p.id}`).catch(() => undefined);
  }, [processes.length]);
  const start = async () => {
    setError('');
    const key = crypto.randomUUID();
    try {
      const c = await api<CaseView>('POST', '/api/cases', { processId, orgUnitId: unitId }, { 'idempotency-key': key });
      location.hash = `#/cases/${c.id}`;
    } catch (e) {
      if (e instanceof ApiError && e.status === 0) {
        location.hash = `#/cases/${await startOffline(processId, unitId, { caseTitle: processes.find((p) => p.id === processId)?.title })}`;
        return;
      }
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const upload = async (dryRun: boolean) => {
    if (!file) return;
    setError('');
    const res = await fetch(`/api/cases/import?processId=${processId}&dryRun=${dryRun ? 1 : 0}`, {
      method: 'POST', credentials: 'same-origin', body: file,
      headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'x-csrf-token': csrfToken() },
    });
    const body = await res.json();
    if (body.error) setError(body.error.message);
    else setReport(body as ImportReport);
  };
  return (
    <section>
      <h2>{t('app.startCase')}</h2>
      <div className="card">
        <label>{t('app.process')}<select name="processId" value={processId} onChange={(e) => setProcessId(e.target.value)}>{processes.map((p) => <option key={p.id} value={p.id}>{p.title}</option>)}</select></label>
        <label>{t('app.unit')}<select name="orgUnitId" value={unitId} onChange={(e) => setUnitId(e.target.value)}>{choices.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}</select></label>
        {error && <p className="error" role="alert">{error}</p>}
        <button className="primary" disabled={!unitId} onClick={() => void start()}>{t('app.startCase')}</button>
      </div>
      <div className="card">
        <h3>{t('app.import')}</h3>
        <input type="file" accept=".xlsx" aria-label={t('app.import')} onChange={(e) => { setFile(e.target.files?.[0] ?? null); setReport(null); }} />
        <button disabled={!file} onClick={() => void upload(true)}>{t('app.dryRun')}</button>
        {report && (
          <div>
            <p>{t('startPage.report', { rows: report.rows, result: report.dryRun ? t('startPage.problemsFound', { length: report.errors.length }) : t('startPage.casesCreated', { created: report.created }) })}</p>
            {report.errors.length > 0 && <table><thead><tr><th>{t('startPage.row')}</th><th>{t('startPage.column')}</th><th>{t('startPage.problem')}</th></tr></thead><tbody>{report.errors.map((e, i) => <tr key={i}><td>{e.row}</td><td>{e.column}</td><td>{e.message}</td></tr>)}</tbody></table>}
            {report.dryRun && report.errors.length === 0 && <button className="primary" onClick={() => void upload(false)}>{t('app.doImport')}</button>}
          </div>
        )}
      </div>
    </section>
  );
}
