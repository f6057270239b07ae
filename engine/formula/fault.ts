import type { FormulaError } from './values';

/**
 * Thrown when a formula whose value the engine would keep or decide on gives an error value
 * (#DIV/0!, #NUM!, #VALUE!): the step is refused, naming the formula's place, and nothing is stored.
 * `pointer` is the computed field's JSON pointer into the form's data, when it is one.
 */
export class FormulaFault extends Error {
  constructor(readonly error: FormulaError, readonly place: string, readonly pointer?: string) {
    super(`${place}: ${error.code}`);
    this.name = 'FormulaFault';
  }

  /** What went wrong, in Chinese: 公式得到 #DIV/0!（除数为零）. */
  get what(): string {
    return `公式得到 ${this.error.code}（${this.error.reason}）`;
  }
}
