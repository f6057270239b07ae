import { useEffect, useState } from 'react';
import type { CalendarStatus } from '../../server/routes/calendarRoutes';
import { api } from './api';
import { t } from './i18n';

/** Tells every reminder on the page to look again (a year was just loaded). */
export const calendarChanged = () => window.dispatchEvent(new Event(CHANGED));
const CHANGED = 'cf-calendar-changed';

/** From 1 November, while next year's holidays are not loaded: says so (deadlines in working days would be estimates). */
export function CalendarReminder({ admin }: { admin: boolean }) {
  const [status, setStatus] = useState<CalendarStatus | null>(null);
  useEffect(() => {
    const look = () => void api<CalendarStatus>('GET', '/api/calendar/status').then(setStatus, () => undefined);
    look();
    window.addEventListener(CHANGED, look);
    return () => window.removeEventListener(CHANGED, look);
  }, []);
  if (!status?.remind) return null;
  return (
    <p className="banner warn calendar-reminder" role="status">
      {t('calendar.nextYearMissing', { year: status.nextYear })}
      {admin ? <a href="#/admin/calendar"> {t('calendar.loadIt')}</a> : ` ${t('calendar.askAdmin')}`}
    </p>
  );
}
