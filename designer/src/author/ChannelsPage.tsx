import { useEffect, useState } from 'react';
import { api, ApiError, errorText } from '../api';
import { formatTime, t } from '../i18n';

interface Channel { id: string; kind: string; name: string; url: string; signed: boolean; processId: string | null; kinds: string[] }
interface Delivery { id: number; caseId: string; kind: string; status: string; attempts: number; lastStatus: number | null; lastError: string | null; createdAt: string; deliveredAt: string | null }

const KINDS = { wecom: t('channelsPage.wecomGroupRobot'), dingtalk: t('channelsPage.dingtalkGroupRobot'), webhook: t('channelsPage.countySystemHmacSigned') } as const;
const NEWS = { task: t('channelsPage.newTask'), returned: t('channelsPage.returned'), decided: t('channelsPage.reviewResult'), done: t('channelsPage.closed'), due_soon: t('channelsPage.dueSoon'), overdue: t('channelsPage.overdue'), copy: t('channelsPage.copy'), notice: t('channelsPage.notice') } as const;
const STATUS = { pending: t('channelsPage.waitingRetrying'), delivered: t('channelsPage.delivered'), failed: t('channelsPage.failed') } as const;

/** Where the county's news goes besides the message centre: group robots and the county's own systems, with each delivery's fate. */
export default function ChannelsPage() {
  const [channels, setChannels] = useState<Channel[]>([]);
  const [processes, setProcesses] = useState<{ id: string; title: string }[]>([]);
  const [log, setLog] = useState<{ channel: string; rows: Delivery[] } | null>(null);
  const [problem, setProblem] = useState('');
  const load = () => api<Channel[]>('GET', '/api/channels').then(setChannels, (e: ApiError) => setProblem(e.message));
  useEffect(() => {
    void load();
    void api<{ id: string; title: string }[]>('GET', '/api/processes').then(setProcesses);
  }, []);
  const add = async (form: HTMLFormElement) => {
    const f = new FormData(form);
    setProblem('');
    try {
      await api('POST', '/api/channels', {
        kind: f.get('kind'), name: f.get('name'), url: f.get('url'), kinds: f.getAll('kinds'),
        ...(f.get('secret') ? { secret: f.get('secret') } : {}), ...(f.get('processId') ? { processId: f.get('processId') } : {}),
      });
      form.reset();
      await load();
    } catch (e) {
      setProblem(errorText(e));
    }
  };
  return (
    <div className="channels">
      <div className="row-head"><h2>{t('channelsPage.messageChannels')}</h2><a href="#/author">{t('channelsPage.processLibrary')}</a></div>
      <p className="muted">{t('channelsPage.besidesInAppMessagesNew')}</p>
      {problem && <p className="error" role="alert">{problem}</p>}
      <table className="lib">
        <thead><tr><th>{t('channelsPage.name')}</th><th>{t('channelsPage.kind')}</th><th>{t('channelsPage.process')}</th><th>{t('channelsPage.messagesPushed')}</th><th /></tr></thead>
        <tbody>
          {channels.map((c) => (
            <tr key={c.id}>
              <td>{c.name}{c.signed ? t('channelsPage.secretSet') : ''}</td>
              <td>{KINDS[c.kind as keyof typeof KINDS] ?? c.kind}</td>
              <td>{processes.find((p) => p.id === c.processId)?.title ?? t('channelsPage.allProcesses')}</td>
              <td>{c.kinds.map((k) => NEWS[k as keyof typeof NEWS] ?? k).join(t('common.listComma'))}</td>
              <td>
                <button className="link" onClick={() => void api<Delivery[]>('GET', `/api/channels/${c.id}/deliveries`).then((rows) => setLog({ channel: c.name, rows }))}>{t('channelsPage.deliveryLog')}</button>
                <button className="link" onClick={() => confirm(t('channelsPage.delete', { name: c.name })) && void api('DELETE', `/api/channels/${c.id}`).then(load)}>{t('channelsPage.delete2')}</button>
              </td>
            </tr>
          ))}
          {!channels.length && <tr><td colSpan={5} className="muted">{t('channelsPage.noChannelsYet')}</td></tr>}
        </tbody>
      </table>
      {log && (
        <section className="card">
          <h3>{t('channelsPage.deliveryLogOfLast100', { channel: log.channel })}</h3>
          <table className="lib">
            <thead><tr><th>{t('channelsPage.time')}</th><th>{t('channelsPage.message')}</th><th>{t('channelsPage.result')}</th><th>{t('channelsPage.attempts')}</th><th>{t('channelsPage.lastAttempt')}</th></tr></thead>
            <tbody>{log.rows.map((d) => <tr key={d.id}><td>{formatTime(d.createdAt)}</td><td>{NEWS[d.kind as keyof typeof NEWS] ?? d.kind}</td><td>{STATUS[d.status as keyof typeof STATUS] ?? d.status}</td><td>{d.attempts}</td><td>{d.lastError ?? (d.lastStatus ? t('channelsPage.receiverAnswered', { lastStatus: d.lastStatus }) : '—')}</td></tr>)}</tbody>
          </table>
        </section>
      )}
      <form className="card" onSubmit={(ev) => { ev.preventDefault(); void add(ev.currentTarget); }}>
        <h3>{t('channelsPage.addAChannel')}</h3>
        <label>{t('channelsPage.name')}<input name="name" required maxLength={50} placeholder={t('channelsPage.eGJinbiTownWork')} /></label>
        <label>{t('channelsPage.kind')}<select name="kind">{Object.entries(KINDS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}</select></label>
        <label>{t('channelsPage.addressTheRobotSWebhook')}<input name="url" required type="url" placeholder="https://" /></label>
        <label>{t('channelsPage.secretDingtalkSigningSecretOr')}<input name="secret" minLength={8} /></label>
        <label>{t('channelsPage.process')}<select name="processId"><option value="">{t('channelsPage.allProcesses')}</option>{processes.map((p) => <option key={p.id} value={p.id}>{p.title}</option>)}</select></label>
        <fieldset><legend>{t('channelsPage.whichMessagesToPush')}</legend>{Object.entries(NEWS).map(([k, v]) => <label key={k} className="inline"><input type="checkbox" name="kinds" value={k} defaultChecked={k === 'task' || k === 'overdue'} /> {v}</label>)}</fieldset>
        <button type="submit" className="primary">{t('channelsPage.add')}</button>
      </form>
    </div>
  );
}
