import type { UiSchema } from '@rjsf/utils';
import { useEffect, useState } from 'react';
import type { Me } from '../api';
import { t } from '../i18n';
import { type LocalStart, localStart } from '../offline/localCase';
import { queuedTitle } from '../offline/queuedTitle';
import { onOutboxChange, sendEvent, startOf } from '../outbox';
import { StepForm } from '../stepForm';

const draftKey = (caseId: string) => `cf_draft:${caseId}`;

/**
 * A case started without signal: its first step's form, filled and queued behind its start.
 * When the network returns and the server has started it, the page moves to the real case.
 */
export default function LocalCasePage({ id, me }: { id: string; me: Me }) {
  const [start, setStart] = useState<LocalStart | null | undefined>(undefined);
  const [queued, setQueued] = useState(false);
  const [draft, setDraft] = useState<unknown>(() => JSON.parse(localStorage.getItem(draftKey(id)) ?? '{}'));
  useEffect(() => {
    const item = startOf(id);
    if (!item?.processId || !item.orgUnitId) return setStart(null);
    void localStart(me, item.processId, item.orgUnitId).then(setStart);
  }, [id]);
  // Once the server has started it, this is a real case: go there.
  useEffect(() => {
    const moveOn = () => {
      const created = startOf(id)?.createdId;
      if (created) location.hash = `#/cases/${created}`;
    };
    moveOn();
    return onOutboxChange(moveOn);
  }, [id]);
  if (start === undefined) return <p className="muted">{t('app.loading')}</p>;
  if (start === null) return <div className="banner error" role="alert">{t('localCasePage.thisCaseStartedOfflineCannot')}</div>;
  return (
    <article className="case">
      <header className="card">
        <h2>{start.processTitle}</h2>
        <p className="meta">{t('localCasePage.startedOfflineSentWhenOnline', { stepLabel: start.stepLabel })}</p>
      </header>
      {queued && <div className="banner warn" role="status">{t('app.offlineSaved')}</div>}
      {start.form && start.event && (
        <section className="card">
          <h3>{start.form.title}</h3>
          <StepForm
            schema={start.form.schema}
            uiSchema={start.form.uiSchema as UiSchema | undefined}
            formData={draft}
            busy={queued}
            submitLabel={start.event.label}
            onChange={(d) => {
              setDraft(d);
              localStorage.setItem(draftKey(id), JSON.stringify(d));
            }}
            onSubmit={(d) => void sendEvent(id, start.event!.type, d, 1, { caseTitle: queuedTitle(start.caseTitle, {}, start.form?.id, d, start.processTitle), label: start.event!.label }).then(() => {
              localStorage.removeItem(draftKey(id));
              setQueued(true);
            })}
          />
        </section>
      )}
    </article>
  );
}
