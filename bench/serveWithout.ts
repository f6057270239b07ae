// `countyflow serve` with parts switched off (or none: the baselines), for the paired rounds of `npm run bench:http` (bench/httpCosts.ts):
//   node --import tsx bench/serveWithout.ts masking,limits,metrics   (any of them; none: everything on, as a county runs it)
// Only this bench entry reaches the switches (server/app.ts BenchWithout, maskNothingForBench).
import { maskNothingForBench } from '../server/cases/personalView';
import { serve } from '../server/cli/serve';

const off = new Set((process.argv[2] ?? '').split(',').filter(Boolean));
const unknown = [...off].filter((part) => !['masking', 'limits', 'metrics'].includes(part));
if (unknown.length) throw new Error(`unknown parts: ${unknown.join(', ')}`);
if (off.has('masking')) maskNothingForBench();
const code = await serve({ limits: off.has('limits'), metrics: off.has('metrics') });
if (code !== 0) process.exitCode = code;
