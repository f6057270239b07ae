// How long the designer's "problems as you type" takes: the whole engine checker over each
// shipped definition, as it runs in the browser after every edit, against a baseline measured
// in the same run — validating the same definition against definition.schema.json alone (the
// least any checker must do). Also the time to write a field edit back (builder → schema).
// Run: npm run bench:designer
import { relative } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatSchema from '../definitions/definition.schema.json';
import { checkDefinition } from '../engine/index';
import type { Definition } from '../engine/index';
import { withFields } from '../designer/src/author/form/FormBuilder';
import { readFields } from '../designer/src/author/form/formModel';
import { checkFile, definitionFiles, definitionsRoot } from '../server/definitionFiles';

const defs = definitionFiles([definitionsRoot]).map((f) => ({ name: relative(definitionsRoot, f).replace(/\.json$/, ''), def: checkFile(f, Date.now()).definition }))
  .filter((d): d is { name: string; def: Definition } => Boolean(d.def));
const validateFormat = new Ajv2020({ strict: false, allErrors: true }).compile(formatSchema);

function median(fn: () => void, rounds = 60): number {
  for (let i = 0; i < 5; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

console.log('definition                         check (ms)  format only (ms)  ratio   builder write-back (ms)');
let worst = 0;
for (const { name, def } of defs) {
  // A fresh, edited copy each time: the browser checks a new definition after every keystroke.
  let n = 0;
  const check = median(() => checkDefinition({ ...structuredClone(def), title: `${def.title}${n++}` }));
  const format = median(() => validateFormat(structuredClone(def)));
  const form = Object.keys(def.forms)[0]!;
  const write = median(() => withFields(def, form, readFields(def.forms[form]!.schema as never, (def.forms[form]!.uiSchema ?? {}) as never)));
  worst = Math.max(worst, check);
  console.log(`${name.padEnd(34)} ${check.toFixed(2).padStart(9)}  ${format.toFixed(3).padStart(15)}  ${(check / format).toFixed(0).padStart(5)}×  ${write.toFixed(3).padStart(12)}`);
}
console.log(`\nslowest check: ${worst.toFixed(1)} ms per edit (the editor re-checks on every change; aim: under 100 ms, the point where a delay is noticed)`);
