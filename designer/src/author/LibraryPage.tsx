import { useEffect, useState } from 'react';
import type { Definition, Level } from '../../../engine/index';
import { api } from '../api';
import { formatTime, t } from '../i18n';
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
  if (!list) return <p className="muted">{t('libraryPage.loadingTheProcessLibrary')}</p>;
  return (
    <div className="library">
      <div className="row-head">
        <h2>{t('libraryPage.processLibrary')}</h2>
        <a className="button" href="#/author/:channels">{t('libraryPage.messageChannels')}</a>
        <button className="primary" onClick={() => setCreating(true)}>{t('libraryPage.newProcess')}</button>
      </div>
      {creating && <NewProcess roles={roles} taken={list.map((p) => p.id)} onCancel={() => setCreating(false)} onCreate={onCreate} />}
      <table className="lib">
        <thead><tr><th>{t('libraryPage.process')}</th><th>{t('libraryPage.templateExtended')}</th><th>{t('libraryPage.draft')}</th><th>{t('libraryPage.publishedVersionsActiveClosedCases')}</th></tr></thead>
        <tbody>
          {list.map((p) => (
            <tr key={p.id}>
              <td><a href={`#/author/${p.id}`}><strong>{p.title}</strong></a><div className="muted">{p.id}</div></td>
              <td>{p.extends ? <span className="badge">{t('libraryPage.template', { extends: p.extends })}</span> : <span className="muted">{t('libraryPage.builtByThisCounty')}</span>}</td>
              <td>{p.draft ? <span className="badge warn">{t('libraryPage.draft2', { formatTime: formatTime(p.draft.updatedAt), updatedBy: p.draft.updatedBy })}</span> : <span className="muted">{t('libraryPage.none')}</span>}</td>
              <td>
                {p.versions.length === 0 && <span className="muted">{t('libraryPage.notPublishedYet')}</span>}
                <ul className="versions">
                  {p.versions.map((v) => (
                    <li key={v.version}>
                      <strong>{t('libraryPage.version', { version: v.version })}</strong> {formatTime(v.publishedAt)} · {v.publishedBy}
                      {' · '}<span className={v.activeCases ? 'live' : 'muted'}>{t('libraryPage.active', { activeCases: v.activeCases })}</span> {t('libraryPage.closed')} {v.closedCases} {t('libraryPage.cases')}
                      {v.note && <div className="muted">{t('libraryPage.note', { note: v.note })}</div>}
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
      <summary>{t('libraryPage.whatChangedSinceVersion', { version: version - 1 })}</summary>
      {words === undefined && <p className="muted">{t('libraryPage.comparing')}</p>}
      {typeof words === 'string' && <p className="error">{words}</p>}
      {Array.isArray(words) && (words.length ? <ul className="changes">{words.map((w, i) => <li key={i}>{w}</li>)}</ul> : <p className="muted">{t('libraryPage.noDifferenceInContent')}</p>)}
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
  const idProblem = !id ? t('libraryPage.pleaseFillInTheProcess') : !/^[a-z][a-z0-9-]{1,62}$/.test(id) ? t('libraryPage.idsUseLowerCaseLetters') : taken.includes(id) ? t('libraryPage.thisIdIsAlreadyUsed') : '';
  return (
    <form className="card new-process" onSubmit={(e) => {
      e.preventDefault();
      if (!title.trim() || idProblem || !chosen) return;
      onCreate(id, blankDefinition(id, title.trim(), level, chosen));
    }}>
      <h3>{t('libraryPage.newProcess2')}</h3>
      <label>{t('libraryPage.processName')}<input value={title} onChange={(e) => setTitle(e.target.value)} placeholder={t('libraryPage.eGPublicWelfareJob')} /></label>
      {!title.trim() && <p className="field-problem">{t('libraryPage.pleaseFillInTheProcess2')}</p>}
      <label>{t('libraryPage.processIdEnglishLettersCannot')}<input value={id} onChange={(e) => setId(e.target.value.trim())} placeholder={t('libraryPage.eGJobApply')} /></label>
      {idProblem && id && <p className="field-problem">{idProblem}</p>}
      <label>{t('libraryPage.levelCasesBelongTo')}<select value={level} onChange={(e) => setLevel(e.target.value as Level)}>{Object.entries(CASE_LEVELS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}</select></label>
      <label>{t('libraryPage.whoStartsItFillsThe')}<select value={chosen?.role ?? ''} onChange={(e) => setStarter(e.target.value)}>{starters.map((r) => <option key={r.role} value={r.role}>{t('libraryPage.people', { label: r.label, LEVELS: LEVELS[r.level], holders: r.holders })}</option>)}</select></label>
      <div className="actions"><button type="submit" className="primary" disabled={!title.trim() || Boolean(idProblem) || !chosen}>{t('libraryPage.createAndStartDesigning')}</button><button type="button" onClick={onCancel}>{t('libraryPage.cancel')}</button></div>
    </form>
  );
}
