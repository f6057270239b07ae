/** Chinese names for the definition format's fixed words, shown wherever the designer offers a choice. */
import type { Level } from '../../../engine/index';
import { t } from '../i18n';

export const LEVELS: Record<Level, string> = {
  province: t('labels.province'), prefecture: t('labels.cityPrefecture'), county: t('labels.county'), township: t('labels.township'), village: t('labels.villageCommunity'), site: t('labels.resettlementSite'), branch: t('labels.partyBranch'), grid: t('labels.grid'), building: t('labels.building'), household: t('labels.household'),
};

export const ROLE_KINDS = { cadre: t('labels.handlerFillsForms'), reviewer: t('labels.reviewer'), supervisor: t('labels.supervisorReadsOnly') } as const;

export const EVENT_KINDS = { submit: t('labels.submit'), approve: t('labels.approve'), return: t('labels.return'), reject: t('labels.reject'), other: t('labels.other') } as const;

export const OUTCOMES = { completed: t('labels.closed'), rejected: t('labels.rejected'), refused: t('labels.refused'), cancelled: t('labels.withdrawn') } as const;

/** The levels a case can sit at within one county (the province and prefecture are above it). */
export const CASE_LEVELS = Object.fromEntries(Object.entries(LEVELS).filter(([k]) => k !== 'province' && k !== 'prefecture')) as Record<Level, string>;
