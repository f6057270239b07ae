import { useState } from 'react';
import type { PeopleImportReply } from '../../../server/routes/adminImportRoutes';
import { ApiError, csrfToken, errorText } from '../api';
import { t } from '../i18n';

/** Each row status, in words. */
const STATUS: Record<string, () => string> = {
  new: () => t('importPeople.status.new'), changed: () => t('importPeople.status.changed'),
  unchanged: () => t('importPeople.status.unchanged'), refused: () => t('importPeople.status.refused'),
};

/** Sends the roster file as it is (xlsx or csv) to the import route. */
async function send(file: File, dryRun: boolean): Promise<PeopleImportReply> {
  const type = file.name.toLowerCase().endsWith('.csv') ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const res = await fetch(`/api/admin/users/import?dryRun=${dryRun ? 1 : 0}`, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': type, 'x-csrf-token': csrfToken() }, body: file });
  const body = (await res.json()) as PeopleImportReply & { error?: { code: string; message: string } };
  if (body.error) throw new ApiError(res.status, body.error.code, body.error.message);
  return body;
}

/** The one-time passwords as a CSV file the administrator hands out (UTF-8 with BOM, so Excel reads the Chinese). */
function passwordsFile(report: PeopleImportReply): string {
  const lines = [[t('importPeople.name'), t('importPeople.username'), t('importPeople.oneTime')], ...report.passwords.map((p) => [p.name, p.username, p.oneTimePassword])];
  return URL.createObjectURL(new Blob([`\uFEFF${lines.map((l) => l.join(',')).join('\r\n')}\r\n`], { type: 'text/csv' }));
}

/** 导入名册: check the county's roster (every row: new, changed, unchanged or refused, with why), then import it. */
export default function ImportPeople({ onImported }: { onImported: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<PeopleImportReply | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  // A long roster lists only the rows that are not unchanged.
  const shown = report ? report.rows.filter((r) => r.status !== 'unchanged' || report.rows.length <= 50) : [];
  const run = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setError('');
    try {
      const r = await send(file, dryRun);
      setReport(r);
      if (!dryRun && !r.counts.refused) onImported();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const columns = [t('importPeople.row'), t('importPeople.name'), t('importPeople.username'), t('importPeople.result'), t('importPeople.detail')];
  return (
    <section className="card import-people" aria-label={t('importPeople.title')}>
      <h2>{t('importPeople.title')}</h2>
      <p className="help-block">{t('importPeople.help')}</p>
      <input type="file" accept=".xlsx,.csv" aria-label={t('importPeople.file')} onChange={(e) => { setFile(e.target.files?.[0] ?? null); setReport(null); }} />
      <div className="actions">
        <button type="button" disabled={!file || busy} onClick={() => void run(true)}>{t('importPeople.check')}</button>
        <button type="button" className="primary" disabled={!report?.dryRun || report.counts.refused > 0 || busy} onClick={() => void run(false)}>{t('importPeople.import')}</button>
      </div>
      {busy && <p className="muted" role="status">{t('importPeople.working')}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      {report && (
        <>
          <p role="status">{report.dryRun
            ? t('importPeople.checked', { new: report.counts.new, changed: report.counts.changed, unchanged: report.counts.unchanged, refused: report.counts.refused })
            : t('importPeople.done', { new: report.counts.new, changed: report.counts.changed, unchanged: report.counts.unchanged, refused: report.counts.refused })}</p>
          {report.passwords.length > 0 && <p className="banner warn"><a href={passwordsFile(report)} download={t('importPeople.passwordsFileName')}>{t('importPeople.download', { count: report.passwords.length })}</a></p>}
          {shown.length > 0 && (
            <div className="table-scroll">
              <table className="grid">
                <thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
                <tbody>
                  {shown.map((r) => (
                    <tr key={r.row} className={r.status === 'refused' ? 'refused' : ''}>
                      <td data-label={columns[0]} className="number">{r.row}</td><td data-label={columns[1]}>{r.name ?? ''}</td><td data-label={columns[2]}>{r.username ?? ''}</td><td data-label={columns[3]}>{STATUS[r.status]!()}</td><td data-label={columns[4]}>{r.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
