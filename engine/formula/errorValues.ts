/** The codes of a formula's error values, as a spreadsheet shows them. */
export type ErrorCode = '#DIV/0!' | '#NUM!' | '#VALUE!' | '#N/A' | '#REF!';

/** An error value (#DIV/0!, #NUM!, #VALUE!, #N/A, #REF!) and why, in Chinese: passed on by every operator and function but IFERROR, ISERROR and ISBLANK. */
export class FormulaError {
  constructor(readonly code: ErrorCode, readonly reason: string) {}
}

export const DIV0 = new FormulaError('#DIV/0!', '除数为零');
export const TOO_LARGE = new FormulaError('#NUM!', '结果超出了数字能存的范围');
export const NO_DAY = new FormulaError('#NUM!', '日期超出了公元 1 年到 9999 年');
export const BLANK_NUMBER = new FormulaError('#VALUE!', '需要数字的地方是空白（没有填写）');
export const NOT_NUMBER = new FormulaError('#VALUE!', '需要数字的地方不是数字');
export const NOT_DAY = new FormulaError('#VALUE!', '需要日期的地方不是日期');
export const NOT_TEXT = new FormulaError('#VALUE!', '需要文字的地方是一整组数据（一行或一张表单），不是一项');
export const NOT_LIST = new FormulaError('#VALUE!', '需要列表（如一张表的一列）的地方是单个值');
export const UNEVEN_LISTS = new FormulaError('#VALUE!', '几个列表的行数不同（应为同一张表的几列）');
export const NOT_FOUND = new FormulaError('#N/A', '列表中没有要查找的值');
export const NO_ROW = new FormulaError('#REF!', '列表中没有这一行（行号应为 1 到行数之间的整数）');
