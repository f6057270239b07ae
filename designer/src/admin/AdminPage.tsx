import { CalendarReminder } from '../calendarReminder';
import { t } from '../i18n';
import CalendarTab from './CalendarTab';
import HistoryTab from './HistoryTab';
import PeopleTab from './PeopleTab';
import UnitsTab from './UnitsTab';

const TABS = ['people', 'units', 'calendar', 'history'] as const;
type Tab = (typeof TABS)[number];
const TAB_LABELS: Record<Tab, () => string> = { people: () => t('adminPage.tab.people'), units: () => t('adminPage.tab.units'), calendar: () => t('adminPage.tab.calendar'), history: () => t('adminPage.tab.history') };

/** 管理: the county administrator's people, org tree and history of changes. */
export default function AdminPage({ tab }: { tab?: string }) {
  const current: Tab = (TABS as readonly string[]).includes(tab ?? '') ? (tab as Tab) : 'people';
  return (
    <section className="admin">
      <h1>{t('adminPage.title')}</h1>
      <CalendarReminder admin />
      <nav className="inbox-tabs" aria-label={t('adminPage.title')}>
        {TABS.map((k) => <a key={k} href={`#/admin/${k}`} className={k === current ? 'on' : ''} aria-current={k === current ? 'page' : undefined}>{TAB_LABELS[k]()}</a>)}
      </nav>
      {current === 'people' && <PeopleTab />}
      {current === 'units' && <UnitsTab />}
      {current === 'calendar' && <CalendarTab />}
      {current === 'history' && <HistoryTab />}
    </section>
  );
}
