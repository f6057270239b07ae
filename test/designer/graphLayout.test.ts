import { describe, expect, it } from 'vitest';
import { graphOf } from '../../designer/src/author/flow/graphModel';
import { type Box, layoutGraph, labelSize } from '../../designer/src/author/flow/graphLayout';
import { allDefinitions } from '../helpers/definitions';

const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const words = (e: { label: string; detail: string }) => `${e.label}${e.detail ? ` · ${e.detail}` : ''}`;

describe('the flow graph\'s automatic layout', () => {
  it('leaves every arrow label of every shipped process clear of the steps, and of the other labels', async () => {
    let labels = 0;
    for (const [file, def] of allDefinitions()) {
      const graph = graphOf(def);
      const layout = await layoutGraph(graph, words);
      const steps = graph.nodes.filter((n) => !n.compound).map((n) => ({ key: n.key, box: layout.nodes.get(n.key)! }));
      const boxes: { id: string; box: Box }[] = [];
      for (const e of graph.edges.filter((x) => x.source !== x.target)) {
        const laid = layout.edges.get(e.id);
        expect(laid?.points.length, `${file} ${e.id} is routed`).toBeGreaterThanOrEqual(2);
        const box = laid!.label!;
        // The box is as large as the words need.
        expect([box.w, box.h]).toEqual([labelSize(words(e)).w, labelSize(words(e)).h]);
        const hidden = steps.filter((s) => overlap(box, s.box)).map((s) => s.key);
        expect(hidden, `${file}: label「${words(e)}」covers steps`).toEqual([]);
        boxes.push({ id: e.id, box });
        labels++;
      }
      for (const [i, a] of boxes.entries()) {
        const on = boxes.slice(i + 1).filter((b) => overlap(a.box, b.box)).map((b) => b.id);
        expect(on, `${file}: label ${a.id} covers other labels`).toEqual([]);
      }
    }
    expect(labels).toBeGreaterThan(40);
  });
});
