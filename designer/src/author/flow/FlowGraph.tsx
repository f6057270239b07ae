import { Background, type Edge, Handle, MarkerType, type Node, type NodeProps, Position, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import ELK, { type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { useEffect, useMemo, useState } from 'react';
import type { Problem } from '../../../../engine/index';
import type { Definition } from '../../../../engine/index';
import { graphOf, type StateNodeData } from './graphModel';
import { t } from '../../i18n';

const elk = new ELK();
const W = 210;
const H = 96;

type Data = StateNodeData & { problems: Problem[]; active: boolean; selected: boolean };

function StateBox({ data }: NodeProps<Node<Data>>) {
  const cls = ['state-node', data.final ? 'final' : '', data.compound ? 'compound' : '', data.problems.length ? 'has-problem' : '', data.active ? 'active' : '', data.selected ? 'picked' : ''].join(' ');
  return (
    <div className={cls} data-state={data.key} title={data.problems.map((p) => p.message).join('\n')}>
      <Handle type="target" position={Position.Top} />
      <strong>{data.initial && '▶ '}{data.label}</strong>
      {!data.compound && !data.final && (
        <span className="state-lines">
          <span>{t('flowGraph.form', { form: data.form ?? '—' })}</span>
          <span>{t('flowGraph.handledBy', { assignee: data.assignee ?? '—' })}</span>
          {data.deadline && <span>{t('flowGraph.timeLimit', { deadline: data.deadline })}</span>}
        </span>
      )}
      {data.final && <span className="state-lines"><span>{t('flowGraph.end')}</span></span>}
      {data.problems.length > 0 && <span className="node-problem">⚠ {data.problems[0]!.message}{data.problems.length > 1 ? t('flowGraph.more', { count: data.problems.length - 1 }) : ''}</span>}
      <Handle type="source" position={Position.Bottom} />
      <Handle type="source" id="back-out" position={Position.Right} style={{ top: '35%' }} />
      <Handle type="target" id="back-in" position={Position.Right} style={{ top: '65%' }} />
    </div>
  );
}

const nodeTypes = { state: StateBox };

interface Props {
  definition: Definition;
  byState?: Map<string, Problem[]>;
  byEvent?: Map<string, Problem[]>;
  active?: string[];
  selected?: string;
  selectedEdge?: string;
  onNode?: (key: string) => void;
  onEdge?: (edge: { source: string; trigger: string; index: number }) => void;
  onConnect?: (source: string, target: string) => void;
}

/** The machine drawn as a graph, laid out automatically (elk, layered, top to bottom); nested states inside their parent. */
export default function FlowGraph({ definition, byState, byEvent, active = [], selected, selectedEdge, onNode, onEdge, onConnect }: Props) {
  const graph = useMemo(() => graphOf(definition), [definition]);
  const [positions, setPositions] = useState<Map<string, { x: number; y: number; w: number; h: number }>>(new Map());
  const [layouts, setLayouts] = useState(0);
  // The canvas grows with the flow (the page scrolls), so a long process stays readable instead of shrinking to fit.
  const [height, setHeight] = useState(480);
  const shape = JSON.stringify([graph.nodes.map((n) => n.key), graph.edges.map((e) => [e.source, e.target])]);
  useEffect(() => {
    // Nodes in the order a case meets them (breadth first from the first step), so elk breaks cycles at the returns.
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
        : { id: n.key, width: W, height: H }));
    const root: ElkNode = {
      id: 'root',
      layoutOptions: { 'elk.algorithm': 'layered', 'elk.direction': 'DOWN', 'elk.hierarchyHandling': 'INCLUDE_CHILDREN', 'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER', 'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES', 'elk.layered.spacing.nodeNodeBetweenLayers': '60', 'elk.spacing.nodeNode': '40' },
      children: children([]),
      edges: graph.edges.filter((e) => e.source !== e.target).map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
    };
    let live = true;
    elk.layout(root).then((out) => {
      if (!live) return;
      const map = new Map<string, { x: number; y: number; w: number; h: number }>();
      const visit = (n: ElkNode) => {
        for (const c of n.children ?? []) {
          map.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, w: c.width ?? W, h: c.height ?? H });
          visit(c);
        }
      };
      visit(out);
      setPositions(map);
      setHeight(Math.max(480, Math.min((out.height ?? 0) + 100, 2600)));
      setLayouts((n) => n + 1);
    }, () => undefined);
    return () => { live = false; };
  }, [shape]);

  const nodes: Node<Data>[] = graph.nodes.map((n) => {
    const p = positions.get(n.key) ?? { x: 0, y: 0, w: W, h: H };
    const parent = n.path.length > 1 ? n.path.slice(0, -1).join('.') : undefined;
    return {
      id: n.key, type: 'state', position: { x: p.x, y: p.y }, ...(parent ? { parentId: parent, extent: 'parent' as const } : {}),
      // Fixed sizes from the layout: React Flow then never hides a node while waiting to measure it again.
      width: p.w, height: p.h, measured: { width: p.w, height: p.h }, draggable: false,
      data: { ...n, problems: byState?.get(n.key) ?? [], active: active.includes(n.key), selected: selected === n.key },
    };
  });
  const edges: Edge[] = graph.edges.map((e) => {
    const problems = byEvent?.get(e.trigger) ?? [];
    const picked = selectedEdge === `${e.source}|${e.trigger}|${e.index}`;
    // A way back (return, rework) runs along the right side, so its label does not sit on the way forward.
    const from = positions.get(e.source);
    const to = positions.get(e.target);
    const back = Boolean(from && to && to.y < from.y);
    return {
      id: e.id, source: e.source, target: e.target, label: `${e.label}${e.detail ? ` · ${e.detail}` : ''}${problems.length ? ' ⚠' : ''}`,
      ...(back ? { sourceHandle: 'back-out', targetHandle: 'back-in', type: 'smoothstep' } : {}),
      markerEnd: { type: MarkerType.ArrowClosed }, data: e,
      className: [problems.length ? 'edge-problem' : '', picked ? 'edge-picked' : '', e.trigger.startsWith('after:') ? 'edge-timer' : ''].join(' '),
      labelStyle: { fontSize: 12 }, labelBgPadding: [4, 2] as [number, number],
    };
  });
  return (
    <div className="flow-canvas" style={{ height }} data-ready={positions.size > 0 ? 'yes' : 'no'}>
      <ReactFlow
        nodes={nodes} edges={edges} nodeTypes={nodeTypes} fitView fitViewOptions={{ maxZoom: 1, padding: 0.15 }} key={layouts}
        minZoom={0.2} preventScrolling={false} zoomOnScroll={false} proOptions={{ hideAttribution: true }} nodesConnectable={Boolean(onConnect)}
        onNodeClick={(_, n) => onNode?.(n.id)}
        onEdgeClick={(_, e) => {
          const d = e.data as { source: string; trigger: string; index: number };
          onEdge?.({ source: d.source, trigger: d.trigger, index: d.index });
        }}
        onConnect={(c) => c.source && c.target && onConnect?.(c.source, c.target)}
      >
        <Background />
      </ReactFlow>
    </div>
  );
}
