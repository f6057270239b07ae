import { useEffect, useState } from 'react';
import { t } from './i18n';
import { onOutboxChange, outboxActivity } from './outbox';

/** What the outbox is doing, in words: sending N, or the how-manieth retry and in how many seconds (counting down); else `idle`. */
export function OutboxActivityLine({ idle }: { idle?: string }) {
  const [activity, setActivity] = useState(outboxActivity);
  const [now, setNow] = useState(Date.now);
  useEffect(() => onOutboxChange(() => setActivity(outboxActivity())), []);
  useEffect(() => {
    if (!activity.retry) return;
    setNow(Date.now());
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, [activity.retry?.at]);
  if (activity.sending > 0) return <span className="outbox-activity">{t('outboxActivity.sending', { count: activity.sending })}</span>;
  if (activity.retry) return <span className="outbox-activity">{t('outboxActivity.retry', { attempt: activity.retry.attempt, seconds: Math.max(0, Math.ceil((activity.retry.at - now) / 1000)) })}</span>;
  return idle ? <span className="outbox-activity">{idle}</span> : null;
}
