import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import en from '../../designer/src/locales/en.json';
import zh from '../../designer/src/locales/zh-CN.json';

const src = join(import.meta.dirname, '../../designer/src');
/** Han characters and the Chinese punctuation a reader would see. */
const CHINESE = /[\u3001-\u303f\u4e00-\u9fff\uff01-\uff5e]/;

type Catalogue = { [k: string]: string | Catalogue };
const flatten = (c: Catalogue, prefix = ''): Map<string, string> =>
  new Map(Object.entries(c).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v]] : [...flatten(v, `${prefix}${k}.`)])));
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));

/** Every piece of text in a source file that a user could see: string literals, template text, JSX text (comments are not). */
function visibleTexts(file: string): { line: number; text: string }[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: { line: number; text: string }[] = [];
  const visit = (node: ts.Node) => {
    let text: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isJsxText(node)) text = node.text;
    else if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) text = node.text;
    if (text !== undefined && CHINESE.test(text.trim())) found.push({ line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: text.trim() });
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('the web app speaks through its catalogues', () => {
  const zhAll = flatten(zh as Catalogue);
  const enAll = flatten(en as Catalogue);

  it('zh-CN and en hold the same keys, none empty, each with the same placeholders', () => {
    expect(zhAll.size).toBeGreaterThan(500);
    expect([...enAll.keys()].sort()).toEqual([...zhAll.keys()].sort());
    for (const [key, words] of zhAll) {
      expect(words.trim(), key).not.toBe('');
      expect(enAll.get(key)!.trim(), key).not.toBe('');
      expect(placeholders(enAll.get(key)!), key).toEqual(placeholders(words));
    }
    // English is English: no Chinese left untranslated in it (but the switch, which names the other language in its own words).
    expect([...enAll].filter(([key, words]) => key !== 'app.language' && /[\u4e00-\u9fff]/.test(words)).map(([k]) => k)).toEqual([]);
  });

  it('no word a user sees is written in the code instead of the catalogues', () => {
    const stray = sources(src).flatMap((file) => visibleTexts(file).map((t) => `${relative(src, file)}:${t.line} ${t.text}`));
    expect(stray).toEqual([]);
  });

  it('every message is given exactly the placeholders it names, wherever the code asks for it', () => {
    const wrong: string[] = [];
    for (const file of sources(src)) {
      const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
      const visit = (node: ts.Node) => {
        if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 't' && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
          const key = node.arguments[0].text;
          const values = node.arguments[1];
          const given = values && ts.isObjectLiteralExpression(values)
            ? values.properties.map((p) => (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : '?')).sort()
            : [];
          const named = [...new Set(placeholders(zhAll.get(key) ?? ''))].sort();
          if (JSON.stringify(given) !== JSON.stringify(named)) wrong.push(`${relative(src, file)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${key} gives [${given.join(', ')}], names [${named.join(', ')}]`);
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    expect(wrong).toEqual([]);
  });

  it('every message in the catalogue is used by the code', () => {
    const code = sources(src).map((f) => readFileSync(f, 'utf8')).join('\n');
    expect([...zhAll.keys()].filter((key) => !code.includes(`'${key}'`))).toEqual([]);
  });
});
