/** Chinese names for the definition format's fixed words, shown wherever the designer offers a choice. */
import type { Level } from '../../../engine/index';

export const LEVELS: Record<Level, string> = {
  province: '省', prefecture: '市（州）', county: '县', township: '乡镇', village: '村（社区）', site: '安置点', branch: '党支部', grid: '网格', building: '楼栋', household: '户',
};

export const ROLE_KINDS = { cadre: '经办（填表）', reviewer: '审核', supervisor: '督导（只看）' } as const;

export const EVENT_KINDS = { submit: '提交', approve: '通过', return: '退回', reject: '不通过', other: '其他' } as const;

export const OUTCOMES = { completed: '办结', rejected: '不通过', refused: '拒绝', cancelled: '撤销' } as const;

/** The levels a case can sit at within one county (the province and prefecture are above it). */
export const CASE_LEVELS = Object.fromEntries(Object.entries(LEVELS).filter(([k]) => k !== 'province' && k !== 'prefecture')) as Record<Level, string>;
