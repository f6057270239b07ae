import { useEffect, useState } from 'react';
import { api, ApiError } from '../api';
import { formatTime } from '../i18n';

interface Channel { id: string; kind: string; name: string; url: string; signed: boolean; processId: string | null; kinds: string[] }
interface Delivery { id: number; caseId: string; kind: string; status: string; attempts: number; lastStatus: number | null; lastError: string | null; createdAt: string; deliveredAt: string | null }

const KINDS = { wecom: '企业微信群机器人', dingtalk: '钉钉群机器人', webhook: '本县系统（HMAC 签名）' } as const;
const NEWS = { task: '新待办', returned: '退回', decided: '审核结果', done: '办结', due_soon: '即将到期', overdue: '超期', copy: '抄送' } as const;
const STATUS = { pending: '待发送（重试中）', delivered: '已送达', failed: '发送失败' } as const;

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
      const err = e as ApiError;
      setProblem(err.details.length ? `${err.message}：${err.details.map((d) => d.message).join('；')}` : err.message);
    }
  };
  return (
    <div className="channels">
      <div className="row-head"><h2>消息推送渠道</h2><a href="#/author">← 流程库</a></div>
      <p className="muted">待办、退回、审核结果、超期等消息，除站内消息外，还可推送到工作群或本县的其他系统。发送失败会自动重试（30 秒起，逐次加倍，共 6 次）。</p>
      {problem && <p className="error" role="alert">{problem}</p>}
      <table className="lib">
        <thead><tr><th>名称</th><th>类型</th><th>流程</th><th>推送的消息</th><th /></tr></thead>
        <tbody>
          {channels.map((c) => (
            <tr key={c.id}>
              <td>{c.name}{c.signed ? '（已设密钥）' : ''}</td>
              <td>{KINDS[c.kind as keyof typeof KINDS] ?? c.kind}</td>
              <td>{processes.find((p) => p.id === c.processId)?.title ?? '全部流程'}</td>
              <td>{c.kinds.map((k) => NEWS[k as keyof typeof NEWS] ?? k).join('、')}</td>
              <td>
                <button className="link" onClick={() => void api<Delivery[]>('GET', `/api/channels/${c.id}/deliveries`).then((rows) => setLog({ channel: c.name, rows }))}>发送记录</button>
                <button className="link" onClick={() => confirm(`删除「${c.name}」？`) && void api('DELETE', `/api/channels/${c.id}`).then(load)}>删除</button>
              </td>
            </tr>
          ))}
          {!channels.length && <tr><td colSpan={5} className="muted">还没有推送渠道</td></tr>}
        </tbody>
      </table>
      {log && (
        <section className="card">
          <h3>「{log.channel}」的发送记录（最近 100 条）</h3>
          <table className="lib">
            <thead><tr><th>时间</th><th>消息</th><th>结果</th><th>尝试次数</th><th>最后一次</th></tr></thead>
            <tbody>{log.rows.map((d) => <tr key={d.id}><td>{formatTime(d.createdAt)}</td><td>{NEWS[d.kind as keyof typeof NEWS] ?? d.kind}</td><td>{STATUS[d.status as keyof typeof STATUS] ?? d.status}</td><td>{d.attempts}</td><td>{d.lastError ?? (d.lastStatus ? `对方答复 ${d.lastStatus}` : '—')}</td></tr>)}</tbody>
          </table>
        </section>
      )}
      <form className="card" onSubmit={(ev) => { ev.preventDefault(); void add(ev.currentTarget); }}>
        <h3>添加渠道</h3>
        <label>名称<input name="name" required maxLength={50} placeholder="如：金碧镇工作群" /></label>
        <label>类型<select name="kind">{Object.entries(KINDS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}</select></label>
        <label>地址（群机器人的 Webhook 地址，或本县系统的接收地址）<input name="url" required type="url" placeholder="https://" /></label>
        <label>密钥（钉钉加签密钥，或本县系统核验签名用；可不填）<input name="secret" minLength={8} /></label>
        <label>流程<select name="processId"><option value="">全部流程</option>{processes.map((p) => <option key={p.id} value={p.id}>{p.title}</option>)}</select></label>
        <fieldset><legend>推送哪些消息</legend>{Object.entries(NEWS).map(([k, v]) => <label key={k} className="inline"><input type="checkbox" name="kinds" value={k} defaultChecked={k === 'task' || k === 'overdue'} /> {v}</label>)}</fieldset>
        <button type="submit" className="primary">添加</button>
      </form>
    </div>
  );
}
