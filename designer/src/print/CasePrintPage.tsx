/**
 * A case as it prints on A4 (打印案件): its number, the household's identity, every filled form
 * laid out to the page's width, what the case keeps (台账记录), its history and signature lines.
 * With `formId` (打印搬迁协议): that form alone, under the same number and identity, with its own
 * signature lines. Personal values are as the case page gets them: masked unless the reader is on
 * the case's step.
 */
import { useEffect, useState } from 'react';
import { personalKind } from '../../../engine/index';
import { api } from '../api';
import type { CaseDetail } from '../caseDetail';
import { formatTime, shortNumber, t } from '../i18n';
import { PrintedForm, PrintedTable, printedText } from './PrintedForm';
import './casePrint.css';

type PrintDetail = Pick<CaseDetail, 'case' | 'process' | 'steps' | 'doneForms' | 'records'>;
interface HistoryItem {
  rev: number;
  at: string;
  actorName: string;
  label: string;
  comment: string | null;
}

/** Who the case is about, as the forms say it: the field the case is named by, then ID and phone numbers, each once. */
function identityOf(d: PrintDetail): { title: string; value: string }[] {
  const out: { title: string; value: string }[] = [];
  const named = d.process.caseTitle && !d.process.caseTitle.startsWith('=') ? d.process.caseTitle.split('.') : [];
  const namedForm = named.length === 2 ? d.doneForms.find((f) => f.id === named[0]) : undefined;
  const nameTitle = (namedForm?.schema.properties?.[named[1]!] as { title?: string } | undefined)?.title;
  out.push({ title: nameTitle ?? t('casePrint.name'), value: d.case.title });
  for (const f of d.doneForms) {
    const data = d.case.data[f.id] as Record<string, unknown> | undefined;
    for (const [key, s] of Object.entries(f.schema.properties ?? {})) {
      const kind = personalKind(s);
      const value = data?.[key];
      if ((kind === 'id-card' || kind === 'mobile') && typeof value === 'string' && value && !out.some((o) => o.value === value)) {
        out.push({ title: (s as { title?: string }).title ?? key, value });
      }
    }
  }
  return out;
}

export default function CasePrintPage({ id, formId }: { id: string; formId?: string }) {
  const [detail, setDetail] = useState<PrintDetail | null>(null);
  const [history, setHistory] = useState<HistoryItem[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDetail(null);
    Promise.all([api<PrintDetail>('GET', `/api/cases/${id}`), api<HistoryItem[]>('GET', `/api/cases/${id}/history`)])
      .then(([d, h]) => {
        setDetail(d);
        setHistory(h);
      }, (e: Error) => setError(e.message));
  }, [id]);
  if (error) return <div className="banner error" role="alert">{error}</div>;
  if (!detail) return <p className="muted">{t('app.loading')}</p>;
  const c = detail.case;
  const forms = formId ? detail.doneForms.filter((f) => f.id === formId) : detail.doneForms;
  const records = formId ? undefined : detail.records;
  return (
    <>
      <div className="print-toolbar">
        <a className="button" href={`#/cases/${id}`}>{t('casePrint.back')}</a>
        <button className="primary" onClick={() => window.print()}>{t('app.print')}</button>
        <span className="muted">{t('casePrint.a4')}</span>
      </div>
      <article className="case-print">
        <header>
          <h1>{detail.process.title}{formId && forms[0] ? ` · ${forms[0].title}` : ''}</h1>
          <dl className="print-fields print-identity">
            <div><dt>{t('casePrint.number')}</dt><dd><span className="case-number">{shortNumber(c.id)}</span> <span className="full-number">{c.id}</span></dd></div>
            {identityOf(detail).map((i) => <div key={i.title}><dt>{i.title}</dt><dd>{i.value}</dd></div>)}
            <div><dt>{t('casePrint.step')}</dt><dd>{t('casePrint.stepStatus', { step: detail.steps.map((s) => s.label).join(t('common.listComma')), status: c.status === 'done' ? t('casePrint.done') : t('casePrint.active') })}</dd></div>
            <div><dt>{t('casePrint.started')}</dt><dd>{formatTime(c.createdAt)}</dd></div>
          </dl>
        </header>
        {forms.map((f) => (
          <section key={f.id} className="print-form">
            <h2>{f.title}</h2>
            <PrintedForm schema={f.schema} data={c.data[f.id]} />
            {f.signatures?.length ? <div className="print-signature-lines">{f.signatures.map((s) => <p key={s}>{t('casePage.date', { s })}</p>)}</div> : null}
          </section>
        ))}
        {records && (records.computed.length > 0 || records.lists.length > 0) && (
          <section className="print-form">
            <h2>{t('app.records')}</h2>
            {records.computed.length > 0 && (
              <dl className="print-fields">
                {records.computed.map((v) => <div key={v.path}><dt>{v.label}</dt><dd>{printedText(v.value, typeof v.value === 'number' && !Number.isInteger(v.value) ? 'money' : 'text')}</dd></div>)}
              </dl>
            )}
            {records.lists.map((l) => <PrintedTable key={l.path} title={l.title} columns={l.columns} rows={l.rows} />)}
          </section>
        )}
        {!formId && (
          <section className="print-form">
            <h2>{t('app.history')}</h2>
            <table className="print-table">
              <thead><tr><th scope="col">{t('casePrint.when')}</th><th scope="col">{t('casePrint.who')}</th><th scope="col">{t('casePrint.what')}</th><th scope="col">{t('casePrint.comment')}</th></tr></thead>
              <tbody>{history.map((h) => <tr key={h.rev}><td>{formatTime(h.at)}</td><td>{h.actorName}</td><td>{h.label}</td><td>{h.comment ?? ''}</td></tr>)}</tbody>
            </table>
            <div className="print-signature-lines">
              <p>{t('casePage.date', { s: t('casePrint.handledBy') })}</p>
              <p>{t('casePage.date', { s: t('casePrint.reviewedBy') })}</p>
            </div>
          </section>
        )}
      </article>
    </>
  );
}
