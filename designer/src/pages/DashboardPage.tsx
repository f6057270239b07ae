import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api';
import { CalendarReminder } from '../calendarReminder';
import { t } from '../i18n';

interface Row { unitId: string; unitName: string; state: string; count: number; overdue: number }
interface Column { state: string; label: string; count: number; overdue: number; percent: number }
interface Dashboard { rows: Row[]; columns: Column[]; total: number; overdue: number }
interface Process { id: string; title: string }

/** Counts by unit × step for the user's subtree, overdue marked; every number drills down to its cases. */
export default function DashboardPage() {
  const [processes, setProcesses] = useState<Process[]>([]);
  const [processId, setProcessId] = useState('');
  const [data, setData] = useState<Dashboard | null>(null);
  // Cases started within these days (Beijing time); empty: all.
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  useEffect(() => {
    void api<Process[]>('GET', '/api/processes').then((p) => {
      setProcesses(p);
      setProcessId(p.find((x) => x.id === 'relocation')?.id ?? p[0]?.id ?? '');
    });
  }, []);
  useEffect(() => {
    if (!processId) return;
    const range = new URLSearchParams({ processId, ...(from ? { from } : {}), ...(to ? { to } : {}) });
    void api<Dashboard>('GET', `/api/dashboard?${range}`).then(setData);
  }, [processId, from, to]);
  const units = useMemo(() => [...new Map((data?.rows ?? []).map((r) => [r.unitId, r.unitName])).entries()], [data]);
  // The steps in the process's own order, as the server gives them (one walker of the flow, in the engine).
  const columns = data?.columns ?? [];
  const states = columns.map((c) => c.state);
  const labels = Object.fromEntries(columns.map((c) => [c.state, c.label]));
  const cell = (unit: string, state: string) => data?.rows.find((r) => r.unitId === unit && r.state === state);
  // The chart library loads only here, and only once there is something to draw.
  const chartRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!data || !chartRef.current || !units.length) return;
    let disposed = false;
    let chart: { dispose(): void } | undefined;
    void import('./barChart').then((echarts) => {
      if (disposed || !chartRef.current) return;
      const c = echarts.init(chartRef.current);
      chart = c;
      c.setOption({
        tooltip: { trigger: 'axis' },
        legend: { type: 'scroll', bottom: 0 },
        grid: { left: 8, right: 8, top: 16, bottom: 48, containLabel: true },
        xAxis: { type: 'category', data: units.map(([, name]) => name) },
        yAxis: { type: 'value', minInterval: 1 },
        series: states.map((s) => ({ name: labels[s] ?? s, type: 'bar', stack: 'cases', data: units.map(([id]) => cell(id, s)?.count ?? 0) })),
      });
      c.on('click', (p) => {
        const unit = units[p.dataIndex];
        const state = states[p.seriesIndex ?? -1];
        if (unit && state) location.hash = drill({ orgUnitId: unit[0], state }).slice(1);
      });
    });
    return () => {
      disposed = true;
      chart?.dispose();
    };
  }, [data]);
  // The export holds what the dashboard shows: the same process and date range.
  const exportHref = (format: 'xlsx' | 'csv') => `/api/cases/export?${new URLSearchParams({ processId, format, ...(from ? { createdFrom: from } : {}), ...(to ? { createdTo: to } : {}) })}`;
  const drill = (params: Record<string, string>) => `#/tasks?all=1&processId=${processId}&${new URLSearchParams({ ...params, ...(from ? { createdFrom: from } : {}), ...(to ? { createdTo: to } : {}) })}`;
  return (
    <section>
      <h2>{t('app.dashboard')}</h2>
      <CalendarReminder admin={false} />
      <div className="filters">
        <select value={processId} onChange={(e) => setProcessId(e.target.value)} aria-label={t('app.process')}>{processes.map((p) => <option key={p.id} value={p.id}>{p.title}</option>)}</select>
        <label className="range">{t('dashboardPage.startedFrom')}<input type="date" value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} /></label>
        <label className="range">{t('dashboardPage.to')}<input type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} /></label>
        <a className="button" href={exportHref('xlsx')}>{t('dashboardPage.excel', { export: t('app.export') })}</a>
        <a className="button" href={exportHref('csv')} title={t('dashboardPage.csvHasNoLists')}>{t('dashboardPage.csv', { export: t('app.export') })}</a>
      </div>
      <p className="muted export-note">{t('dashboardPage.csvHasNoLists')}</p>
      {data && (
        <p className="summary">{t('app.total')} <a href={drill({})}>{data.total}</a> · {t('app.overdue')} <a className="late" href={drill({ overdue: 'true' })}>{data.overdue}</a></p>
      )}
      <div ref={chartRef} className="chart" role="img" aria-label={t('dashboardPage.casesByUnitAndStep')} />
      <div className="scroll">
        <table className="grid">
          <thead><tr><th>{t('app.unit')}</th>{states.map((s) => <th key={s}>{labels[s] ?? s}</th>)}</tr></thead>
          <tbody>
            {units.map(([id, name]) => (
              <tr key={id}>
                <th>{name}</th>
                {states.map((s) => {
                  const r = cell(id, s);
                  return <td key={s}>{r ? <a href={drill({ orgUnitId: id, state: s })}>{r.count}{r.overdue ? <span className="late"> ({r.overdue})</span> : null}</a> : '·'}</td>;
                })}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr><th>{t('app.total')}</th>{columns.map((c) => <td key={c.state}><a href={drill({ state: c.state })}>{c.count}</a>{c.overdue ? <span className="late"> ({c.overdue})</span> : null}<br /><span className="muted">{c.percent}%</span></td>)}</tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
