/**
 * Where the graph's steps and arrows go: elk's layered layout (top to bottom, nested steps inside their parent), with
 * each arrow's label laid out as a box of its own, so elk leaves room for it between the layers and no label sits on a step.
 * Everything is in one coordinate space (the graph's), the arrows as elk routed them.
 */
import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { FlowEdge, StateNodeData } from './graphModel';

export interface Box { x: number; y: number; w: number; h: number }
export interface Point { x: number; y: number }
export interface LaidEdge { points: Point[]; label?: Box }
export interface GraphLayout { nodes: Map<string, Box>; edges: Map<string, LaidEdge>; width: number; height: number }

export const NODE_W = 210;
export const NODE_H = 96;
const LABEL_FONT = 12;

/** The box an arrow's label needs at 12px: a Chinese character is about a square, other characters a little over half. */
export function labelSize(text: string): { w: number; h: number } {
  let w = 0;
  for (const ch of text) w += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? LABEL_FONT : LABEL_FONT * 0.6;
  return { w: Math.ceil(w) + 10, h: LABEL_FONT + 8 };
}

const elk = new ELK();

const LAYOUT_OPTIONS = {
  'elk.algorithm': 'layered', 'elk.direction': 'DOWN', 'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  // Nodes in the order a case meets them, so elk breaks cycles at the returns.
  'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER', 'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.spacing.nodeNodeBetweenLayers': '60', 'elk.spacing.nodeNode': '40',
  // Labels are boxes elk places beside their arrow, with room kept around them.
  'elk.edgeLabels.placement': 'CENTER', 'elk.edgeLabels.inline': 'false', 'elk.spacing.edgeLabel': '4',
  'elk.spacing.edgeNode': '16', 'elk.layered.spacing.edgeNodeBetweenLayers': '16', 'elk.spacing.labelNode': '8',
  'elk.edgeRouting': 'ORTHOGONAL',
  // One coordinate space for steps, nested steps and arrows.
  'elk.json.shapeCoords': 'ROOT', 'elk.json.edgeCoords': 'ROOT',
};

/** Lays out the graph; `labelOf` gives the words shown on each arrow. */
export async function layoutGraph(graph: { nodes: StateNodeData[]; edges: FlowEdge[] }, labelOf: (e: FlowEdge) => string): Promise<GraphLayout> {
  // Nodes in the order a case meets them (breadth first from the first step).
  const rank = new Map<string, number>();
  const queue = graph.nodes.filter((n) => n.initial).map((n) => n.key);
  queue.forEach((k) => rank.set(k, rank.size));
  for (let i = 0; i < queue.length; i++) {
    for (const e of graph.edges) if (e.source === queue[i] && !rank.has(e.target)) { rank.set(e.target, rank.size); queue.push(e.target); }
  }
  const order = (k: string) => rank.get(k) ?? Number.MAX_SAFE_INTEGER;
  const children = (parent: string[]): ElkNode[] => graph.nodes
    .slice().sort((a, b) => order(a.key) - order(b.key))
    .filter((n) => n.path.length === parent.length + 1 && parent.every((p, i) => n.path[i] === p))
    .map((n) => (n.compound
      ? { id: n.key, layoutOptions: { 'elk.padding': '[top=40,left=16,bottom=16,right=16]' }, children: children(n.path) }
      : { id: n.key, width: NODE_W, height: NODE_H }));
  const edges: ElkExtendedEdge[] = graph.edges.filter((e) => e.source !== e.target).map((e) => {
    const text = labelOf(e);
    const size = labelSize(text);
    return { id: e.id, sources: [e.source], targets: [e.target], labels: text ? [{ id: `${e.id}#label`, text, width: size.w, height: size.h }] : [] };
  });
  const root: ElkNode = { id: 'root', layoutOptions: LAYOUT_OPTIONS, children: children([]), edges };
  const out = await elk.layout(root);
  const nodes = new Map<string, Box>();
  const laid = new Map<string, LaidEdge>();
  const visit = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      nodes.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, w: c.width ?? NODE_W, h: c.height ?? NODE_H });
      visit(c);
    }
    for (const e of (n.edges ?? []) as ElkExtendedEdge[]) {
      const points = (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
      const l = e.labels?.[0];
      laid.set(e.id, { points, ...(l ? { label: { x: l.x ?? 0, y: l.y ?? 0, w: l.width ?? 0, h: l.height ?? 0 } } : {}) });
    }
  };
  visit(out);
  return { nodes, edges: laid, width: out.width ?? 0, height: out.height ?? 0 };
}
