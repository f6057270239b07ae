import { useEffect, useState } from 'react';
import { api } from '../api';
import { formatTime, t } from '../i18n';

export interface Messages {
  unread: number;
  items: { id: number; caseId: string; kind: string; title: string; body: string; createdAt: string; read: boolean }[];
}

/** The message centre: new tasks, returns, decisions; opening one marks it read. */
export default function MessagesPage({ onRead }: { onRead: (unread: number) => void }) {
  const [list, setList] = useState<Messages | null>(null);
  const load = () => api<Messages>('GET', '/api/messages').then((m) => {
    setList(m);
    onRead(m.unread);
  });
  useEffect(() => void load(), []);
  const read = async (body: { ids?: number[]; all?: boolean }) => {
    const r = await api<{ unread: number }>('POST', '/api/messages/read', body);
    onRead(r.unread);
  };
  if (!list) return <p className="muted">{t('app.loading')}</p>;
  return (
    <section>
      <h2>{t('messagesPage.unread', { messages: t('app.messages'), unread: list.unread })}</h2>
      {list.unread > 0 && <button onClick={() => void read({ all: true }).then(load)}>{t('messagesPage.markAllAsRead')}</button>}
      {list.items.length === 0 && <p className="muted">{t('messagesPage.noMessages')}</p>}
      <ul className="list messages">
        {list.items.map((m) => (
          <li key={m.id}>
            <a href={`#/cases/${m.caseId}`} className={`card message kind-${m.kind}${m.read ? '' : ' unread'}`} onClick={() => void (m.read ? undefined : read({ ids: [m.id] }))}>
              <span className="title">{m.title}</span>
              <span className="meta">{m.body}</span>
              <time className="meta">{formatTime(m.createdAt)}</time>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
