import { useEffect, useRef, useState } from 'react';
import type { CaseView } from './api';
import { shortNumber, t } from './i18n';

/**
 * The check before a batch decision: which cases it goes to (name and number), and one 审批意见
 * that goes with every one of them. Nothing is sent until the reviewer confirms.
 */
export function BatchConfirm({ label, cases, busy, onConfirm, onCancel }: { label: string; cases: CaseView[]; busy: boolean; onConfirm: (comment: string) => void; onCancel: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [comment, setComment] = useState('');
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="batch-confirm card" aria-labelledby="batch-confirm-heading" onCancel={(e) => { e.preventDefault(); onCancel(); }}>
      <h3 id="batch-confirm-heading">{t('batchConfirm.heading', { label, count: cases.length })}</h3>
      <ol className="batch-cases">
        {cases.map((c) => <li key={c.id}>{c.title} <span className="case-number">{t('tasksPage.no')} <span className="number">{shortNumber(c.id)}</span></span>{c.unitName ? <span className="muted"> · {c.unitName}</span> : null}</li>)}
      </ol>
      <label>{t('tasksPage.approvalCommentOneCommentFor')}
        <textarea name="comment" rows={2} maxLength={500} value={comment} onChange={(e) => setComment(e.target.value)} placeholder={t('casePage.eGAgreedOrWhat')} />
      </label>
      <div className="dialog-buttons">
        <button className="kind-approve" disabled={busy} onClick={() => onConfirm(comment.trim())}>{t('batchConfirm.confirm', { label, count: cases.length })}</button>
        <button type="button" disabled={busy} onClick={onCancel}>{t('app.cancel')}</button>
      </div>
    </dialog>
  );
}
