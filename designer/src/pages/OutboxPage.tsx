import { useEffect, useState } from 'react';
import { formatTime, shortNumber, t } from '../i18n';
import { OutboxActivityLine } from '../outboxActivity';
import { discard, flush, isLocalCase, onOutboxChange, outboxItems, type OutboxItem, resend } from '../outbox';

const STATE_WORDS = { waiting: 'app.waitingSend', sent: 'app.sent', refused: 'app.refused' } as const;

/** The case an item is for, as the user knows it: its name (a case started offline takes the name its first form gives it) and its short number once the server has one. */
function CaseName({ item, items }: { item: OutboxItem; items: OutboxItem[] }) {
  const id = item.createdId ?? item.caseId;
  const title = (item.kind === 'start' ? items.find((x) => x.kind !== 'start' && x.caseId === id)?.caseTitle : undefined) ?? item.caseTitle;
  return (
    <a href={`#/cases/${id}`} className="title">
      {title ?? shortNumber(id)}
      {!isLocalCase(id) && title && <span className="case-number"> {t('tasksPage.no')} <span className="number">{shortNumber(id)}</span></span>}
    </a>
  );
}

/** The outbox, item by item: what waits for the network, what went, what the server refused and why. */
export default function OutboxPage() {
  const [items, setItems] = useState(outboxItems);
  useEffect(() => onOutboxChange(() => setItems(outboxItems())), []);
  return (
    <section>
      <h2>{t('outboxPage.heading', { outbox: t('app.outbox'), length: items.filter((i) => i.state !== 'sent').length })}</h2>
      {items.some((i) => i.state === 'waiting') && (
        <>
          <p className="retry-status" role="status"><OutboxActivityLine /></p>
          <button onClick={() => void flush()}>{t('outboxPage.retrySendingNow')}</button>
        </>
      )}
      <ul className="list outbox">
        {[...items].reverse().map((i) => (
          <li key={i.key} className={`card outbox-item ${i.state}`}>
            <CaseName item={i} items={items} />
            <span className="meta">{i.label ?? i.type} · {formatTime(i.at)}</span>
            <span className={`badge ${i.state}`}>{t(STATE_WORDS[i.state])}{i.sentAt ? ` ${formatTime(i.sentAt)}` : ''}</span>
            {i.state === 'refused' && (
              <p className="error" role="alert">
                {i.error}{i.current ? t('outboxPage.theCaseNow', { step: i.current.stepLabel ?? i.current.stateKey }) : ''}
                {' '}{i.current && <button className="link" onClick={() => void resend(i.key)}>{t('app.resend')}</button>}
                <button className="link" onClick={() => void discard(i.key)}>{t('app.discard')}</button>
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
