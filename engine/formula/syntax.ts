/**
 * The formula syntax, as county IT staff know it from Excel and WPS: numbers, "text", TRUE and
 * FALSE, field references by data path (register.householder, entries.amount, and a row's own
 * entries._id, entries._at, entries._by), + - * / &,
 * = <> < <= > >=, functions in capitals (SUM(...)), parentheses. No loops, no assignment, no
 * member access beyond data paths: a formula can only read the case and compute a value.
 */

export type Node =
  | { kind: 'number'; value: string; pos: number }
  | { kind: 'text'; value: string; pos: number }
  | { kind: 'boolean'; value: boolean; pos: number }
  | { kind: 'field'; path: string; keys: string[]; pos: number }
  | { kind: 'call'; name: string; args: Node[]; pos: number }
  | { kind: 'unary'; op: '-' | '+'; arg: Node; pos: number }
  | { kind: 'binary'; op: string; left: Node; right: Node; pos: number };

/** A syntax error at a position (0-based offset into the formula). */
export class FormulaSyntaxError extends Error {
  constructor(message: string, readonly pos: number) {
    super(message);
    this.name = 'FormulaSyntaxError';
  }
}

interface Token {
  type: 'number' | 'text' | 'name' | 'op' | '(' | ')' | ',' | 'end';
  value: string;
  pos: number;
}

/** Longest formula accepted: a formula is a line in a definition, not a program. */
export const MAX_FORMULA_LENGTH = 2_000;
const MAX_DEPTH = 40;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      while (/[0-9]/.test(text[i] ?? '')) i++;
      if (text[i] === '.') {
        i++;
        while (/[0-9]/.test(text[i] ?? '')) i++;
      }
      out.push({ type: 'number', value: text.slice(start, i), pos: start });
    } else if (c === '"' || c === '“' || c === '”') {
      i++;
      let value = '';
      for (;;) {
        if (i >= text.length) throw new FormulaSyntaxError('文字缺少结尾的引号', start);
        const d = text[i]!;
        if (d === '"' || d === '”' || d === '“') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += d;
        i++;
      }
      out.push({ type: 'text', value, pos: start });
    } else if (/[A-Za-z_\u4e00-\u9fff]/.test(c)) {
      while (/[A-Za-z0-9_.\u4e00-\u9fff]/.test(text[i] ?? '')) i++;
      out.push({ type: 'name', value: text.slice(start, i), pos: start });
    } else if (c === '(' || c === '（') {
      out.push({ type: '(', value: '(', pos: i++ });
    } else if (c === ')' || c === '）') {
      out.push({ type: ')', value: ')', pos: i++ });
    } else if (c === ',' || c === '，') {
      out.push({ type: ',', value: ',', pos: i++ });
    } else {
      const two = text.slice(i, i + 2);
      const op = ['<=', '>=', '<>', '=='].includes(two) ? two : '+-*/&=<>'.includes(c) ? c : '';
      if (!op) throw new FormulaSyntaxError(`不认识的符号「${c}」`, i);
      out.push({ type: 'op', value: op === '==' ? '=' : op, pos: i });
      i += op.length;
    }
  }
  out.push({ type: 'end', value: '', pos: text.length });
  return out;
}

const PRECEDENCE: Record<string, number> = { '=': 1, '<>': 1, '<': 1, '<=': 1, '>': 1, '>=': 1, '&': 2, '+': 3, '-': 3, '*': 4, '/': 4 };

/** Parses a formula (a leading "=" as in a spreadsheet cell is allowed) into its syntax tree. */
export function parse(text: string): Node {
  if (text.length > MAX_FORMULA_LENGTH) throw new FormulaSyntaxError(`公式过长（最多 ${MAX_FORMULA_LENGTH} 个字符）`, MAX_FORMULA_LENGTH);
  const source = text.replace(/^\s*=/, (m) => ' '.repeat(m.length));
  const tokens = tokenize(source);
  let at = 0;
  const peek = () => tokens[at]!;
  const next = () => tokens[at++]!;
  const expect = (type: Token['type'], what: string) => {
    const t = next();
    if (t.type !== type) throw new FormulaSyntaxError(t.type === 'end' ? `公式不完整：缺少${what}` : `这里应为${what}`, t.pos);
    return t;
  };

  const primary = (depth: number): Node => {
    if (depth > MAX_DEPTH) throw new FormulaSyntaxError('公式嵌套过深', peek().pos);
    const t = next();
    switch (t.type) {
      case 'number':
        return { kind: 'number', value: t.value, pos: t.pos };
      case 'text':
        return { kind: 'text', value: t.value, pos: t.pos };
      case '(': {
        const inner = expression(0, depth + 1);
        expect(')', '右括号「)」');
        return inner;
      }
      case 'op':
        if (t.value === '-' || t.value === '+') return { kind: 'unary', op: t.value, arg: expression(5, depth + 1), pos: t.pos };
        throw new FormulaSyntaxError(`「${t.value}」前面缺少数值`, t.pos);
      case 'name': {
        const upper = t.value.toUpperCase();
        if (peek().type === '(') {
          next();
          const args: Node[] = [];
          if (peek().type !== ')') {
            for (;;) {
              args.push(expression(0, depth + 1));
              if (peek().type !== ',') break;
              next();
            }
          }
          expect(')', '右括号「)」');
          return { kind: 'call', name: upper, args, pos: t.pos };
        }
        if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'boolean', value: upper === 'TRUE', pos: t.pos };
        if (!/^[A-Za-z][A-Za-z0-9_]*(\._?[A-Za-z][A-Za-z0-9_]*)*$/.test(t.value)) throw new FormulaSyntaxError(`「${t.value}」不是有效的数据项（应为 表单编号.字段，如 register.householder）`, t.pos);
        return { kind: 'field', path: t.value, keys: t.value.split('.'), pos: t.pos };
      }
      case 'end':
        throw new FormulaSyntaxError('公式不完整', t.pos);
      default:
        throw new FormulaSyntaxError(`这里不能是「${t.value}」`, t.pos);
    }
  };

  const expression = (min: number, depth: number): Node => {
    let left = primary(depth);
    for (;;) {
      const t = peek();
      const prec = t.type === 'op' ? PRECEDENCE[t.value] : undefined;
      if (prec === undefined || prec <= min - 1 || prec < min) break;
      next();
      const right = expression(prec + 1, depth + 1);
      left = { kind: 'binary', op: t.value, left, right, pos: t.pos };
    }
    return left;
  };

  const tree = expression(0, 0);
  const rest = peek();
  if (rest.type !== 'end') throw new FormulaSyntaxError(`多余的「${rest.value}」`, rest.pos);
  return tree;
}

/** Every data path a formula reads. */
export function fieldsOf(node: Node, out: { path: string; pos: number }[] = []): { path: string; pos: number }[] {
  if (node.kind === 'field') out.push({ path: node.path, pos: node.pos });
  else if (node.kind === 'call') node.args.forEach((a) => fieldsOf(a, out));
  else if (node.kind === 'unary') fieldsOf(node.arg, out);
  else if (node.kind === 'binary') {
    fieldsOf(node.left, out);
    fieldsOf(node.right, out);
  }
  return out;
}

/** The names of the functions a formula calls, each once. */
export function callsOf(node: Node, out = new Set<string>()): Set<string> {
  if (node.kind === 'call') {
    out.add(node.name);
    node.args.forEach((a) => callsOf(a, out));
  } else if (node.kind === 'unary') callsOf(node.arg, out);
  else if (node.kind === 'binary') {
    callsOf(node.left, out);
    callsOf(node.right, out);
  }
  return out;
}
