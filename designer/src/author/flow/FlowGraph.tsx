import { Background, BaseEdge, type Edge, type EdgeProps, getBezierPath, Handle, MarkerType, type Node, type NodeProps, Position, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useState } from 'react';
import type { Problem } from '../../../../engine/index';
import type { Definition } from '../../../../engine/index';
import { type FlowEdge, graphOf, type StateNodeData } from './graphModel';
import { type GraphLayout, type LaidEdge, layoutGraph, NODE_H, NODE_W } from './graphLayout';
import { t } from '../../i18n';

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

type EdgeData = FlowEdge & { route?: LaidEdge };

/** The words on an arrow: the action, then who and when. */
const labelOf = (e: FlowEdge) => `${e.label}${e.detail ? ` · ${e.detail}` : ''}`;

/** An arrow along the route the layout gave it, its label in the box the layout kept free; a curve until the layout has it. */
function RoutedEdge({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, ...rest }: EdgeProps<Edge<EdgeData>>) {
  const route = data?.route;
  let path: string;
  let labelX: number;
  let labelY: number;
  if (route && route.points.length >= 2) {
    path = `M ${route.points.map((p) => `${p.x},${p.y}`).join(' L ')}`;
    const box = route.label ?? { x: route.points[0]!.x, y: route.points[0]!.y, w: 0, h: 0 };
    labelX = box.x + box.w / 2;
    labelY = box.y + box.h / 2;
  } else {
    [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  }
  return <BaseEdge id={id} path={path} labelX={labelX} labelY={labelY} label={rest.label} labelStyle={rest.labelStyle} labelBgPadding={rest.labelBgPadding}
    labelShowBg={rest.labelShowBg} labelBgStyle={rest.labelBgStyle} labelBgBorderRadius={rest.labelBgBorderRadius} markerEnd={rest.markerEnd} style={rest.style} interactionWidth={rest.interactionWidth} />;
}

const edgeTypes = { routed: RoutedEdge };

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

/** The machine drawn as a graph, laid out automatically (graphLayout: elk, layered, top to bottom, arrow labels given room); nested states inside their parent. */
export default function FlowGraph({ definition, byState, byEvent, active = [], selected, selectedEdge, onNode, onEdge, onConnect }: Props) {
  const graph = useMemo(() => graphOf(definition), [definition]);
  const [layout, setLayout] = useState<GraphLayout>();
  const [layouts, setLayouts] = useState(0);
  // The canvas grows with the flow (the page scrolls), so a long process stays readable instead of shrinking to fit.
  const [height, setHeight] = useState(480);
  const shape = JSON.stringify([graph.nodes.map((n) => n.key), graph.edges.map((e) => [e.source, e.target, labelOf(e)])]);
  useEffect(() => {
    let live = true;
    layoutGraph(graph, labelOf).then((out) => {
      if (!live) return;
      setLayout(out);
      setHeight(Math.max(480, Math.min(out.height + 100, 2600)));
      setLayouts((n) => n + 1);
    }, () => undefined);
    return () => { live = false; };
  }, [shape]);

  const nodes: Node<Data>[] = graph.nodes.map((n) => {
    const p = layout?.nodes.get(n.key) ?? { x: 0, y: 0, w: NODE_W, h: NODE_H };
    const parent = n.path.length > 1 ? n.path.slice(0, -1).join('.') : undefined;
    // The layout is in the graph's coordinates; React Flow places a nested step within its parent.
    const origin = parent ? layout?.nodes.get(parent) : undefined;
    return {
      id: n.key, type: 'state', position: { x: p.x - (origin?.x ?? 0), y: p.y - (origin?.y ?? 0) }, ...(parent ? { parentId: parent, extent: 'parent' as const } : {}),
      // Fixed sizes from the layout: React Flow then never hides a node while waiting to measure it again.
      width: p.w, height: p.h, measured: { width: p.w, height: p.h }, draggable: false,
      data: { ...n, problems: byState?.get(n.key) ?? [], active: active.includes(n.key), selected: selected === n.key },
    };
  });
  const edges: Edge<EdgeData>[] = graph.edges.map((e) => {
    const problems = byEvent?.get(e.trigger) ?? [];
    const picked = selectedEdge === `${e.source}|${e.trigger}|${e.index}`;
    return {
      id: e.id, source: e.source, target: e.target, type: 'routed', label: `${labelOf(e)}${problems.length ? ' ⚠' : ''}`,
      markerEnd: { type: MarkerType.ArrowClosed }, data: { ...e, route: layout?.edges.get(e.id) },
      className: [problems.length ? 'edge-problem' : '', picked ? 'edge-picked' : '', e.trigger.startsWith('after:') ? 'edge-timer' : ''].join(' '),
      labelStyle: { fontSize: 12 }, labelBgPadding: [4, 2] as [number, number],
    };
  });
  return (
    <div className="flow-canvas" style={{ height }} data-ready={layout ? 'yes' : 'no'}>
      <ReactFlow
        nodes={nodes} edges={edges} nodeTypes={nodeTypes} edgeTypes={edgeTypes} fitView fitViewOptions={{ maxZoom: 1, padding: 0.15 }} key={layouts}
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
