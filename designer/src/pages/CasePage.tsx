import { Fragment, useEffect, useMemo, useState } from 'react';
import type { UiSchema } from '@rjsf/utils';
import { caseFieldTitles, isVoided, rowIdAt } from '../../../engine/index';
import { api, ApiError, errorText, type FieldDetail, type Me } from '../api';
import type { CaseDetail as Detail, CaseFormDef as FormDef } from '../caseDetail';
import { formatValue } from '../fieldValue';
import { FormSummary } from '../formSummary';
import { formatTime, t } from '../i18n';
import { queuedTitle } from '../offline/queuedTitle';
import { pickedRowData, withRowChoices } from '../rowChoices';
import { discard, onOutboxChange, outboxItems, resend, sendEvent } from '../outbox';
import { printHref } from '../print/printHref';
import { StepForm } from '../stepForm';

/** What the case keeps besides its forms: computed values and the lists steps append to (还款记录, 走访记录). */
function Records({ records }: { records: NonNullable<Detail['records']> }) {
  if (!records.lists.length && !records.computed.length) return null;
  return (
    <section className="card records">
      <h3>{t('app.records')}</h3>
      {records.computed.length > 0 && (
        <dl className="computed">
          {records.computed.map((v) => (
            <div key={v.path}><dt>{v.label}</dt><dd>{formatValue(v.value, typeof v.value === 'number' && !Number.isInteger(v.value) ? 'money' : 'text')}</dd></div>
          ))}
        </dl>
      )}
      {records.lists.map((l) => (
        <div key={l.path} className="record-list">
          <h4>{t('casePage.rows', { title: l.title, length: l.rows.length })}</h4>
          <div className="table-scroll">
            <table className="grid">
              <thead><tr><th>#</th>{l.columns.map((c) => <th key={c.key}>{c.title}</th>)}</tr></thead>
              <tbody>{l.rows.map((r, i) => {
                // Each row by its id, as a return form names it; the row a saved form picks (退回这一条) marked with why, a voided one struck through.
                const id = rowIdAt(r, i);
                const picks = (records.picked ?? []).filter((p) => p.list === l.path && p.id === id);
                return (
                  <Fragment key={id}>
                    <tr className={[isVoided(r) ? 'voided' : '', picks.length ? 'picked' : ''].join(' ').trim() || undefined}>
                      <td>{id}{isVoided(r) ? <span className="badge">{t('rows.voided')}</span> : r._changedAt ? <span className="badge">{t('rows.changed')}</span> : null}</td>
                      {l.columns.map((c) => <td key={c.key}>{formatValue(r[c.key], c.kind)}</td>)}
                    </tr>
                    {picks.map((p) => <tr key={p.by} className="pick-note"><td colSpan={l.columns.length + 1}>{p.by}{p.reason ? `${t('common.colon')}${p.reason}` : ''}</td></tr>)}
                  </Fragment>
                );
              })}</tbody>
            </table>
          </div>
        </div>
      ))}
    </section>
  );
}
/** The case's masked personal values, each with 查看完整: the server answers the full value and records who asked. */
function PersonalValues({ caseId, values }: { caseId: string; values: NonNullable<Detail['personal']> }) {
  const [full, setFull] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  if (!values.length) return null;
  const reveal = async (path: string) => {
    try {
      const r = await api<{ value: string }>('POST', `/api/cases/${caseId}/personal/${encodeURIComponent(path)}/reveal`);
      setFull((f) => ({ ...f, [path]: r.value }));
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section className="card records personal">
      <h3>{t('casePage.personal')}</h3>
      <p className="muted">{t('casePage.personalNote')}</p>
      {error && <div className="banner error" role="alert">{error}</div>}
      <dl className="computed">
        {values.map((v) => (
          <div key={v.path}>
            <dt>{v.title}</dt>
            <dd>
              <span className="personal-value">{full[v.path] ?? v.masked}</span>
              {full[v.path] === undefined && <button className="link" onClick={() => void reveal(v.path)}>{t('casePage.reveal')}</button>}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

interface HistoryItem {
  rev: number;
  at: string;
  actorName: string;
  label: string;
  kind: string;
  from: string;
  to: string;
  comment: string | null;
}

const DECISIONS = new Set(['approve', 'return', 'reject']);

/**
 * A return form's "which field" as a list of the case's own fields (by title) instead of
 * free text: the reason then shows on the field it concerns.
 */
function withFieldChoices(schema: FormDef['schema'], forms: FormDef[]): FormDef['schema'] {
  const field = schema.properties?.field as { type?: string; enum?: unknown } | undefined;
  if (!field || field.type !== 'string' || field.enum) return schema;
  const titles = caseFieldTitles(forms);
  if (!titles.length) return schema;
  return { ...schema, properties: { ...schema.properties, field: { ...field, enum: titles } as { title?: string } } };
}

/** True for a form that asks for a reason (a return's): its reason is the 审批意见. */
const asksReason = (schema: FormDef['schema'] | undefined) => (schema?.properties?.reason as { type?: string } | undefined)?.type === 'string';

/** A decision form that asks for a reason starts with what was typed as 审批意见: the reviewer writes it once. */
function withReason(schema: FormDef['schema'], comment: string): Record<string, unknown> {
  return asksReason(schema) && comment.trim() ? { reason: comment.trim() } : {};
}

const draftKey = (caseId: string, formId: string) => `cf_draft:${caseId}:${formId}`;

/** A case: its current step's form and the actions the user may take, earlier steps, and the history. */
export default function CasePage({ id }: { id: string; me: Me }) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [history, setHistory] = useState<HistoryItem[]>([]);
  const [message, setMessage] = useState<{ kind: 'ok' | 'warn' | 'error'; text: string } | null>(null);
  const [serverErrors, setServerErrors] = useState<FieldDetail[]>([]);
  const [openEvent, setOpenEvent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [comment, setComment] = useState('');
  const mineHere = () => outboxItems().filter((p) => p.caseId === id);
  const [queue, setQueue] = useState(mineHere);
  const refused = queue.filter((p) => p.state === 'refused');
  const queued = queue.some((p) => p.state === 'waiting');
  useEffect(() => onOutboxChange(() => {
    const next = mineHere();
    // What this page said while offline is no longer true once the submission went: say so, and show the case as it now is.
    setQueue((was) => {
      if (was.some((p) => p.state === 'waiting') && !next.some((p) => p.state === 'waiting') && next.some((p) => p.state === 'sent' && was.some((w) => w.key === p.key))) {
        setMessage({ kind: 'ok', text: t('app.sentNow') });
        void load();
      }
      return next;
    });
  }), [id]);

  const load = async () => {
    const [d, h] = await Promise.all([api<Detail>('GET', `/api/cases/${id}`), api<HistoryItem[]>('GET', `/api/cases/${id}/history`)]);
    setDetail(d);
    setHistory(h);
  };
  useEffect(() => {
    // Another case opened in the same page: what was shown, said and typed about the last one goes (no button acts on one case with another's revision).
    setDetail(null);
    setHistory([]);
    setMessage(null);
    setComment('');
    setOpenEvent(null);
    void load().catch((e: ApiError) => setMessage({ kind: 'error', text: e.message }));
  }, [id]);

  const stepForm = detail?.form ?? null;
  const [draft, setDraft] = useState<unknown>(undefined);
  const [draftSavedAt, setDraftSavedAt] = useState<Date | null>(null);
  useEffect(() => {
    if (!detail || !stepForm) return;
    const saved = localStorage.getItem(draftKey(id, stepForm.id));
    setDraft(saved ? JSON.parse(saved) : (detail.case.data[stepForm.id] ?? {}));
  }, [detail?.case.rev, stepForm?.id]);

  // A return's reason is shown on the field it concerns (and at the top).
  const returned = detail?.case.data.returned as { reason?: string; field?: string } | undefined;
  const uiSchema = useMemo(() => {
    const ui: UiSchema = { ...(stepForm?.uiSchema ?? {}) };
    if (returned?.reason && returned.field && stepForm?.schema.properties) {
      const field = Object.entries(stepForm.schema.properties).find(([k, p]) => k === returned.field || p.title === returned.field)?.[0];
      if (field) ui[field] = { ...(ui[field] as object), 'ui:help': t('casePage.returnedBecause', { returned: t('app.returned'), reason: returned.reason }), classNames: 'returned-field' };
    }
    return ui;
  }, [stepForm, returned?.reason, returned?.field]);

  if (!detail) return <p className="muted">{message?.text ?? t('app.loading')}</p>;
  const c = detail.case;
  const stepEvent = detail.events.find((e) => stepForm && e.form === stepForm.id);
  const otherEvents = detail.events.filter((e) => e !== stepEvent);
  const openForm = detail.events.find((e) => e.type === openEvent)?.form;

  const send = async (type: string, data: unknown) => {
    const spec = detail.events.find((e) => e.type === type);
    // A return must say why: in its form's reason, or in 审批意见.
    if (spec?.kind === 'return' && !comment.trim() && !(data as { reason?: string } | undefined)?.reason) {
      setMessage({ kind: 'error', text: t('casePage.toReturnItWriteAn') });
      document.getElementById('decision-comment')?.focus();
      return;
    }
    setBusy(true);
    setServerErrors([]);
    setMessage(null);
    try {
      // A return form's reason is its 审批意见 (the server records it so): what was typed in the box went into it, and is not sent twice.
      const withComment = comment.trim() && DECISIONS.has(spec?.kind ?? '') && typeof (data as { reason?: unknown } | undefined)?.reason !== 'string';
      const result = await sendEvent(id, type, data, c.rev, { caseTitle: queuedTitle(detail.process.caseTitle, c.data, spec?.form, data, c.title), label: spec?.label ?? type, ...(withComment ? { comment: comment.trim() } : {}) });
      if (!result.sent) {
        setMessage({ kind: 'warn', text: result.queued ? t('app.offlineSaved') : t('app.alreadyQueued') });
        return;
      }
      if (stepForm) localStorage.removeItem(draftKey(id, stepForm.id));
      setOpenEvent(null);
      setComment('');
      setMessage({ kind: 'ok', text: t('casePage.done', { label: detail.events.find((e) => e.type === type)?.label ?? t('casePage.submit') }) });
      await load();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      // Only a case moved on by someone else is worth submitting again; other refusals (waiting for an added approver, approved already) say their own words.
      if (e.code === 'CF_STALE') {
        setMessage({ kind: 'warn', text: t('app.stale') });
        await load();
      } else {
        setServerErrors(e.details);
        setMessage({ kind: 'error', text: errorText(e) });
      }
    } finally {
      setBusy(false);
    }
  };

  /** 认领 / 转办 / 抄送: the step passed between people, each recorded in 办理记录. */
  const handOver = async (path: 'claim' | 'transfer' | 'copy' | 'add-signer', body: object, done: string) => {
    setBusy(true);
    try {
      await api('POST', `/api/cases/${id}/${path}`, body);
      setMessage({ kind: 'ok', text: done });
      setComment('');
      await load();
    } catch (e) {
      setMessage({ kind: 'error', text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };

  /** 撤销: the starter takes the case back before anyone else has acted on it. */
  const withdraw = async () => {
    if (!confirm(t('casePage.withdrawingEndsThisCaseWithdraw'))) return;
    setBusy(true);
    try {
      await api('POST', `/api/cases/${id}/withdraw`, comment.trim() ? { comment: comment.trim() } : {}, { 'idempotency-key': crypto.randomUUID() });
      setMessage({ kind: 'ok', text: t('casePage.withdrawn') });
      await load();
    } catch (e) {
      setMessage({ kind: 'error', text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  /** Deciding on what others filled (approve, return), with no form of one's own to fill. */
  const deciding = !stepForm && detail.events.some((e) => DECISIONS.has(e.kind));
  /** What the user may do now: 审批意见, the actions, and 转办 / 加签 / 抄送. */
  const decision = (
    <>
      {/* While a form asking for the reason is open, the reason is written there only (it took what was typed here). */}
      {detail.events.some((e) => DECISIONS.has(e.kind)) && !(openForm && asksReason(detail.forms[openForm]?.schema)) && (
        <label className="decision-comment">{t('casePage.approvalCommentRequiredToReturn')}
          <textarea id="decision-comment" rows={2} maxLength={500} value={comment} onChange={(e) => setComment(e.target.value)} placeholder={t('casePage.eGAgreedOrWhat')} />
        </label>
      )}
      {detail.claimedBy && <p className="banner" role="status">{t('casePage.isHandlingThisStep', { claimedBy: detail.claimedBy })}</p>}
      <section className="actions">
        {detail.events.length === 0 && c.status === 'active' && !detail.canWithdraw && <p className="muted">{t('app.noActions')}</p>}
        {detail.canClaim && (
          <div className="action"><button disabled={busy} onClick={() => void handOver('claim', {}, t('casePage.claimedYouHandleThisStep'))}>{t('casePage.claimIWillHandleIt')}</button></div>
        )}
        {detail.canWithdraw && (
          <div className="action">
            <button className="kind-reject" disabled={busy || queued} onClick={() => void withdraw()}>{t('casePage.withdrawTakeThisCaseBack')}</button>
          </div>
        )}
        {otherEvents.map((e) => (
          <div key={e.type} className="action">
            {e.form ? (
              openEvent === e.type ? (
                <div className="card">
                  <h3>{detail.forms[e.form]?.title ?? e.label}</h3>
                  <StepForm schema={withRowChoices(e.kind === 'return' ? withFieldChoices(detail.forms[e.form]!.schema, detail.doneForms) : detail.forms[e.form]!.schema, detail.records)} uiSchema={detail.forms[e.form]!.uiSchema} formData={pickedRowData(e.form, detail.records) ?? withReason(detail.forms[e.form]!.schema, comment)} caseId={id} busy={busy || queued} submitLabel={e.label} serverErrors={serverErrors} onSubmit={(d) => void send(e.type, d)} />
                  <button className="link" onClick={() => setOpenEvent(null)}>{t('app.cancel')}</button>
                </div>
              ) : (
                <button className={`kind-${e.kind}`} disabled={queued} onClick={() => setOpenEvent(e.type)}>{e.label}</button>
              )
            ) : (
              <button className={`kind-${e.kind}`} disabled={busy || queued} onClick={() => void send(e.type, undefined)}>{e.label}</button>
            )}
          </div>
        ))}
      </section>

      {c.status === 'active' && (detail.transferTo.length > 0 || detail.copyTo.length > 0) && (
        <details className="card handover">
          <summary>{t('casePage.transferAddApproverCopy')}</summary>
          {detail.transferTo.length > 0 && (
            <form onSubmit={(ev) => ev.preventDefault()}>
              <label>{t('casePage.transferToAColleagueHolding')}<select name="to" required>{detail.transferTo.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}</select></label>
              {/* Not a submit button: the step's own form keeps the page's only one. */}
              <button type="button" className="secondary" disabled={busy} onClick={(ev) => { const to = new FormData(ev.currentTarget.form!).get('to'); void handOver('transfer', { to, ...(comment.trim() ? { comment: comment.trim() } : {}) }, t('casePage.transferred')); }}>{t('casePage.transfer')}</button>
            </form>
          )}
          {detail.canAddSigner && detail.copyTo.length > 0 && (
            <form onSubmit={(ev) => ev.preventDefault()}>
              <label>{t('casePage.addAnApproverThisPerson')}<select name="to" required>{detail.copyTo.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}</select></label>
              <label className="inline"><input type="checkbox" name="before" /> {t('casePage.beforeMeIApproveAfter')}</label>
              <button type="button" className="secondary" disabled={busy} onClick={(ev) => { const f = new FormData(ev.currentTarget.form!); void handOver('add-signer', { to: f.get('to'), ...(f.get('before') ? { before: true } : {}), ...(comment.trim() ? { comment: comment.trim() } : {}) }, t('casePage.approverAdded')); }}>{t('casePage.addApprover')}</button>
            </form>
          )}
          {detail.copyTo.length > 0 && (
            <form onSubmit={(ev) => ev.preventDefault()}>
              <fieldset><legend>{t('casePage.copyToForInformationOnly')}</legend>
                {detail.copyTo.map((p) => <label key={p.id} className="inline"><input type="checkbox" name="to" value={p.id} /> {p.name}</label>)}
              </fieldset>
              <button type="button" className="secondary" disabled={busy} onClick={(ev) => { const to = new FormData(ev.currentTarget.form!).getAll('to'); if (to.length) void handOver('copy', { to, ...(comment.trim() ? { comment: comment.trim() } : {}) }, t('casePage.copied')); }}>{t('casePage.copy')}</button>
            </form>
          )}
        </details>
      )}
    </>
  );
  const personalValues = detail.personal && <PersonalValues key={c.rev} caseId={id} values={detail.personal} />;
  const recordTables = detail.records && <Records records={detail.records} />;
  /** The forms filled so far, each a compact read-only summary (open for a reviewer, who decides on them). */
  const earlierForms = detail.doneForms.filter((f) => f.id !== stepForm?.id);
  const filledForms = earlierForms.length > 0 && (
    <section className="card earlier">
      <h3>{t('app.earlierSteps')}</h3>
      {earlierForms.map((f) => (
        <details key={f.id} className="done-form" open={deciding}>
          <summary>{f.title}{f.print && <a className="link" href={printHref(id, f.id)}>{t('app.print')}</a>}</summary>
          <FormSummary schema={f.schema} uiSchema={f.uiSchema} data={c.data[f.id]} />
        </details>
      ))}
    </section>
  );

  return (
    <article className="case">
      <header className="card">
        <h2>{c.title}</h2>
        <a className="link print-case" href={printHref(id)}>{t('casePrint.printCase')}</a>
        <p className="meta">{detail.process.title} · {detail.steps.map((s) => s.label).join(t('common.listComma'))}{detail.steps[0]?.assigneeLabel ? t('casePage.assignee', { assigneeLabel: detail.steps[0].assigneeLabel }) : ''}</p>
        <ol className="progress" aria-label={t('casePage.progress')}>
          {detail.progress.map((s, i) => <li key={i} className={s.state} aria-current={s.state === 'current' ? 'step' : undefined}>{s.label}</li>)}
        </ol>
        {detail.ballot && (
          <p className="ballot">
            {t('casePage.ballot', {
              mode: { all: t('casePage.allMustApprove'), any: t('casePage.anyMayApprove'), ratio: t('casePage.aShareMustApprove'), one: t('casePage.addedApprovers') }[detail.ballot.mode],
              label: detail.ballot.label, needed: detail.ballot.needed,
              approved: detail.ballot.approved.join(t('common.listComma')) || t('casePage.nobody'), waiting: detail.ballot.waiting.join(t('common.listComma')) || t('casePage.nobody'),
            })}
          </p>
        )}
        {detail.countersign && (
          <div className="ballot countersign">
            <p>{t('casePage.countersign', { label: detail.countersign.label, order: detail.countersign.order === 'sequential' ? t('casePage.inTurn') : t('casePage.atOnce') })}</p>
            <ul aria-label={t('casePage.countersignDepartments')}>
              {detail.countersign.departments.map((dep, i) => (
                <li key={i} className={dep.status}>
                  {t('casePage.department', {
                    label: dep.label, needed: dep.needed,
                    status: { signed: t('casePage.departmentSigned'), due: t('casePage.departmentDue'), later: t('casePage.departmentLater') }[dep.status],
                    mode: { all: t('casePage.allMustApprove'), any: t('casePage.anyMayApprove'), ratio: t('casePage.aShareMustApprove') }[dep.mode],
                    signed: dep.signed.join(t('common.listComma')) || t('casePage.nobody'), waiting: dep.waiting.join(t('common.listComma')) || t('casePage.nobody'),
                  })}
                </li>
              ))}
            </ul>
          </div>
        )}
        {c.dueAt && <p className={c.overdue ? 'badge late' : 'badge'}>{c.overdue ? t('app.overdue') : t('app.due')} {formatTime(c.dueAt)}{c.dueApproximate ? t('app.dueApproximate') : ''}</p>}
      </header>
      {message && <div className={`banner ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>{message.text}</div>}
      {refused.map((p) => (
        <div key={p.key} className="banner error" role="alert">
          {t('casePage.refusedItem', { refused: t('app.refused'), label: p.label ?? p.type, at: formatTime(p.at), error: p.error })}{p.current ? t('casePage.caseNow', { step: p.current.stepLabel ?? detail.steps.map((s) => s.label).join(t('common.listComma')) }) : ''}
          {' '}{p.data !== undefined && p.type === stepEvent?.type && <button className="link" onClick={() => setDraft(p.data)}>{t('app.restoreInput')}</button>}
          {p.current && <button className="link" onClick={() => void resend(p.key)}>{t('app.resend')}</button>}
          <button className="link" onClick={() => void discard(p.key)}>{t('app.discard')}</button>
        </div>
      ))}
      {queued && <div className="banner warn" role="status">{t('app.alreadyQueued')} <a href="#/outbox">{t('app.outbox')}</a></div>}
      {returned?.reason && <div className="banner warn">{t('app.returned')}{t('common.colon')}{returned.reason}{returned.field ? t('casePage.returnedField', { field: returned.field }) : ''}</div>}
      {detail.records?.picked?.map((p) => <div key={`${p.list} ${p.id}`} className="banner warn picked-row">{t('rows.picked', { by: p.by, title: detail.records!.lists.find((l) => l.path === p.list)?.title ?? p.list, id: p.id })}</div>)}

      {stepForm && stepEvent && draft !== undefined && (
        <section className="card">
          <h3>{stepForm.title}{draftSavedAt && <span className="draft-saved" role="status">{t('app.draftKept')} {draftSavedAt.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit' })}</span>}</h3>
          <StepForm
            schema={withRowChoices(stepForm.schema, detail.records)}
            uiSchema={uiSchema}
            formData={draft}
            serverErrors={serverErrors}
            busy={busy || queued}
            caseId={id}
            submitLabel={stepEvent.label}
            onChange={(d) => {
              setDraft(d);
              localStorage.setItem(draftKey(id, stepForm.id), JSON.stringify(d));
              setDraftSavedAt(new Date());
            }}
            onSubmit={(d) => void send(stepEvent.type, d)}
          />
        </section>
      )}

      {deciding ? (
        // A reviewer sees what was filled first, read-only and compact, with the decision beside it (below it on a phone).
        <div className="review">
          <div className="review-data">{filledForms}{recordTables}{personalValues}</div>
          <aside className="review-decide card" aria-label={t('casePage.decision')}>{decision}</aside>
        </div>
      ) : (
        <>{decision}{personalValues}{recordTables}{filledForms}</>
      )}

      <section className="card">
        <h3>{t('app.history')}</h3>
        <ol className="timeline">
          {history.map((h) => (
            <li key={h.rev} className={`kind-${h.kind}-entry`}><time>{formatTime(h.at)}</time> <strong>{h.actorName}</strong> {h.label}{h.comment && <span className="comment">{t('casePage.comment', { comment: h.comment })}</span>}</li>
          ))}
        </ol>
      </section>
    </article>
  );
}
