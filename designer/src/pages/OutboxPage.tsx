import { useEffect, useState } from 'react';
import { formatTime, shortNumber, t } from '../i18n';
import { discard, flush, onOutboxChange, outboxItems, resend } from '../outbox';

const STATE_WORDS = { waiting: 'app.waitingSend', sent: 'app.sent', refused: 'app.refused' } as const;

/** The outbox, item by item: what waits for the network, what went, what the server refused and why. */
export default function OutboxPage() {
  const [items, setItems] = useState(outboxItems);
  useEffect(() => onOutboxChange(() => setItems(outboxItems())), []);
  return (
    <section>
      <h2>{t('outboxPage.heading', { outbox: t('app.outbox'), length: items.length })}</h2>
      {items.some((i) => i.state === 'waiting') && <button onClick={() => void flush()}>{t('outboxPage.retrySendingNow')}</button>}
      <ul className="list outbox">
        {[...items].reverse().map((i) => (
          <li key={i.key} className={`card outbox-item ${i.state}`}>
            <a href={`#/cases/${i.createdId ?? i.caseId}`} className="title">{i.caseTitle ?? shortNumber(i.createdId ?? i.caseId)}</a>
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
