import { useEffect, useState } from 'react';
import type { CalendarStatus, CalendarYearReply } from '../../../server/routes/calendarRoutes';
import { api, errorText, SLOW_REQUEST_TIMEOUT_MS } from '../api';
import { calendarChanged } from '../calendarReminder';
import { formatTime, t } from '../i18n';

/** Dates typed or pasted one per line (or separated by spaces or commas); anything after a date on its line is a note. */
const datesIn = (text: string) => [...text.matchAll(/\d{4}-\d{2}-\d{2}/g)].map((m) => m[0]);

/** 节假日日历: load a year's national holidays and 调休 working days, or the county's own days; see what is loaded. */
export default function CalendarTab() {
  const [data, setData] = useState<{ status: CalendarStatus; years: CalendarYearReply[]; builtInLastYear: number } | null>(null);
  const [year, setYear] = useState(new Date().getFullYear() + 1);
  const [layer, setLayer] = useState<'national' | 'local'>('national');
  const [holidays, setHolidays] = useState('');
  const [workdays, setWorkdays] = useState('');
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const load = () => api<typeof data>('GET', '/api/admin/calendar').then(setData, (e: unknown) => setError(errorText(e)));
  useEffect(() => void load(), []);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError('');
    setNotice('');
    try {
      const r = await api<{ recalculated: number }>('PUT', `/api/admin/calendar/${year}/${layer}`, { holidays: datesIn(holidays), workdays: datesIn(workdays) }, {}, SLOW_REQUEST_TIMEOUT_MS);
      setNotice(t('calendar.loaded', { year, count: r.recalculated }));
      calendarChanged();
      await load();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div className="calendar-tab">
      {data && <p className="muted">{t('calendar.covers', { year: data.status.lastYear })}</p>}
      <form className="card" onSubmit={submit} aria-label={t('calendar.loadTitle')}>
        <h2>{t('calendar.loadTitle')}</h2>
        <label>{t('calendar.year')}<input name="year" type="number" min={2000} max={2100} value={year} onChange={(e) => setYear(Number(e.target.value))} /></label>
        <label>{t('calendar.layer')}
          <select name="layer" value={layer} onChange={(e) => setLayer(e.target.value as 'national' | 'local')}>
            <option value="national">{t('calendar.national')}</option>
            <option value="local">{t('calendar.local')}</option>
          </select>
        </label>
        <label>{t('calendar.holidays')}<textarea name="holidays" rows={6} value={holidays} onChange={(e) => setHolidays(e.target.value)} placeholder={t('calendar.datesHint')} /></label>
        <label>{t('calendar.workdays')}<textarea name="workdays" rows={3} value={workdays} onChange={(e) => setWorkdays(e.target.value)} placeholder={t('calendar.datesHint')} /></label>
        {error && <p className="error" role="alert">{error}</p>}
        {notice && <p className="banner" role="status">{notice}</p>}
        <button type="submit" className="primary">{t('calendar.load')}</button>
      </form>
      {data && data.years.length > 0 && (
        <table className="grid">
          <thead><tr><th>{t('calendar.year')}</th><th>{t('calendar.layer')}</th><th>{t('calendar.holidays')}</th><th>{t('calendar.workdays')}</th><th>{t('calendar.loadedBy')}</th></tr></thead>
          <tbody>
            {data.years.map((y) => (
              <tr key={`${y.year}-${y.layer}`}>
                <td>{y.year}</td>
                <td>{y.layer === 'national' ? t('calendar.national') : t('calendar.local')}</td>
                <td>{y.holidays.length}</td>
                <td>{y.workdays.join(t('common.listComma'))}</td>
                <td>{`${y.loadedBy} ${formatTime(y.loadedAt)}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
