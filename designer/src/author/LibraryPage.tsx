import { useEffect, useState } from 'react';
import type { Definition, Level } from '../../../engine/index';
import { api } from '../api';
import { formatTime } from '../i18n';
import { blankDefinition, type CountyRole } from './blank';
import { CASE_LEVELS, LEVELS } from './labels';
import { describeChanges } from './publish/describeChanges';

interface LibraryEntry {
  id: string;
  title: string;
  extends: string | null;
  draft: { updatedAt: string; updatedBy: string } | null;
  versions: { version: number; publishedAt: string; note: string; publishedBy: string; activeCases: number; closedCases: number }[];
}

/** The county's processes: drafts, published versions, the template each extends, live cases per version. */
export default function LibraryPage({ onCreate }: { onCreate: (id: string, fresh: ReturnType<typeof blankDefinition>) => void }) {
  const [list, setList] = useState<LibraryEntry[]>();
  const [roles, setRoles] = useState<CountyRole[]>([]);
  const [error, setError] = useState<string>();
  const [creating, setCreating] = useState(false);
  useEffect(() => {
    api<LibraryEntry[]>('GET', '/api/library').then(setList, (e: Error) => setError(e.message));
    api<CountyRole[]>('GET', '/api/county-roles').then(setRoles, () => undefined);
  }, []);
  if (error) return <p className="error">{error}</p>;
  if (!list) return <p className="muted">正在加载流程库…</p>;
  return (
    <div className="library">
      <div className="row-head">
        <h2>流程库</h2>
        <a className="button" href="#/author/:channels">消息推送渠道</a>
        <button className="primary" onClick={() => setCreating(true)}>＋ 新建流程</button>
      </div>
      {creating && <NewProcess roles={roles} taken={list.map((p) => p.id)} onCancel={() => setCreating(false)} onCreate={onCreate} />}
      <table className="lib">
        <thead><tr><th>流程</th><th>继承的模板</th><th>草稿</th><th>已发布版本（在办 / 已办结案件）</th></tr></thead>
        <tbody>
          {list.map((p) => (
            <tr key={p.id}>
              <td><a href={`#/author/${p.id}`}><strong>{p.title}</strong></a><div className="muted">{p.id}</div></td>
              <td>{p.extends ? <span className="badge">模板 {p.extends}</span> : <span className="muted">本县自建</span>}</td>
              <td>{p.draft ? <span className="badge warn">草稿 · {formatTime(p.draft.updatedAt)} {p.draft.updatedBy}</span> : <span className="muted">无</span>}</td>
              <td>
                {p.versions.length === 0 && <span className="muted">尚未发布</span>}
                <ul className="versions">
                  {p.versions.map((v) => (
                    <li key={v.version}>
                      <strong>第 {v.version} 版</strong> {formatTime(v.publishedAt)} · {v.publishedBy}
                      {' · '}<span className={v.activeCases ? 'live' : 'muted'}>在办 {v.activeCases} 件</span> · 已办结 {v.closedCases} 件
                      {v.note && <div className="muted">说明：{v.note}</div>}
                      {v.version > 1 && <VersionChanges id={p.id} version={v.version} />}
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What a version changed against the one before it, in words, loaded when asked for. */
function VersionChanges({ id, version }: { id: string; version: number }) {
  const [words, setWords] = useState<string[] | string>();
  return (
    <details className="version-changes" onToggle={(e) => {
      if (!(e.currentTarget as HTMLDetailsElement).open || words) return;
      const get = (v: number) => api<{ definition: Definition }>('GET', `/api/processes/${id}?version=${v}`).then((r) => r.definition);
      Promise.all([get(version - 1), get(version)]).then(([a, b]) => setWords(describeChanges(a, b)), (err: Error) => setWords(err.message));
    }}>
      <summary>与第 {version - 1} 版相比改了什么</summary>
      {words === undefined && <p className="muted">正在比较…</p>}
      {typeof words === 'string' && <p className="error">{words}</p>}
      {Array.isArray(words) && (words.length ? <ul className="changes">{words.map((w, i) => <li key={i}>{w}</li>)}</ul> : <p className="muted">内容没有区别。</p>)}
    </details>
  );
}

function NewProcess({ roles, taken, onCancel, onCreate }: { roles: CountyRole[]; taken: string[]; onCancel: () => void; onCreate: (id: string, fresh: ReturnType<typeof blankDefinition>) => void }) {
  const [title, setTitle] = useState('');
  const [id, setId] = useState('');
  const [level, setLevel] = useState<Level>('village');
  const starters = roles.filter((r) => r.kind !== 'supervisor');
  const [starter, setStarter] = useState('');
  const chosen = starters.find((r) => r.role === starter) ?? starters.find((r) => r.level === level) ?? starters[0];
  const idProblem = !id ? '请填写流程编号' : !/^[a-z][a-z0-9-]{1,62}$/.test(id) ? '编号只能用小写英文字母、数字和 -，以字母开头，如 job-apply' : taken.includes(id) ? '这个编号已被本县其他流程使用' : '';
  return (
    <form className="card new-process" onSubmit={(e) => {
      e.preventDefault();
      if (!title.trim() || idProblem || !chosen) return;
      onCreate(id, blankDefinition(id, title.trim(), level, chosen));
    }}>
      <h3>新建流程</h3>
      <label>流程名称<input value={title} onChange={(e) => setTitle(e.target.value)} placeholder="如：公益性岗位申请" /></label>
      {!title.trim() && <p className="field-problem">请填写流程名称</p>}
      <label>流程编号（英文，创建后不能改）<input value={id} onChange={(e) => setId(e.target.value.trim())} placeholder="如：job-apply" /></label>
      {idProblem && id && <p className="field-problem">{idProblem}</p>}
      <label>案件挂在哪一级<select value={level} onChange={(e) => setLevel(e.target.value as Level)}>{Object.entries(CASE_LEVELS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}</select></label>
      <label>谁发起（第一步由谁填写）<select value={chosen?.role ?? ''} onChange={(e) => setStarter(e.target.value)}>{starters.map((r) => <option key={r.role} value={r.role}>{r.label}（{LEVELS[r.level]}，{r.holders} 人）</option>)}</select></label>
      <div className="actions"><button type="submit" className="primary" disabled={!title.trim() || Boolean(idProblem) || !chosen}>创建并开始设计</button><button type="button" onClick={onCancel}>取消</button></div>
    </form>
  );
}
