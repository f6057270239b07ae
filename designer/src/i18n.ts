/**
 * The web app's words, in message catalogues (locales/zh-CN.json, the default, and
 * locales/en.json) read by i18next — the most used i18n library, so the catalogues are in a
 * format translators' tools already know. Forms and processes come in the county's own
 * words. Keys are checked by TypeScript against the Chinese catalogue; a test keeps the two
 * catalogues' keys and placeholders equal and no Chinese written outside them.
 */
import i18next from 'i18next';
import en from './locales/en.json';
import zh from './locales/zh-CN.json';

/** Every key of a nested catalogue, as "namespace.key". */
type Keys<T, P extends string = ''> = { [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Keys<T[K], `${P}${K}.`> }[keyof T & string];
export type MessageKey = Keys<typeof zh>;

type Lang = 'zh-CN' | 'en';
const lang: Lang = typeof localStorage !== 'undefined' && localStorage.getItem('cf_lang') === 'en' ? 'en' : 'zh-CN';

// Synchronous (the catalogues are bundled): words are ready before any module that uses them at load.
void i18next.init({
  lng: lang,
  fallbackLng: 'zh-CN',
  resources: { 'zh-CN': { translation: zh }, en: { translation: en } },
  initAsync: false,
  interpolation: { escapeValue: false }, // React escapes what it renders
  returnNull: false,
});

/** The words for a key in the chosen language, with {{placeholders}} filled in. */
export const t = (key: MessageKey, values?: Record<string, unknown>): string => i18next.t(key, values ?? {});

/** The language the page is in. */
export const language = (): Lang => lang;

/** Switches between Chinese and English (reloads the page). */
export function toggleLanguage(): void {
  localStorage.setItem('cf_lang', lang === 'zh-CN' ? 'en' : 'zh');
  location.reload();
}

/** A date-time in Chinese conventions (Beijing time). */
export const formatTime = (iso: string | null): string =>
  iso ? new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }) : '';

/** A case's short number, as lists and the outbox show it (the search box finds a case by it): the engine's, as the server names an untitled case by it. */
export { shortNumber } from '../../engine/index';
