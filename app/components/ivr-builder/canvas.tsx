import {
  Background,
  Handle,
  Position,
  ReactFlow,
  useUpdateNodeInternals,
  type Connection,
  type Edge,
  type Node,
  type NodeChange,
  type EdgeChange,
  type NodeProps,
  type XYPosition,
} from "@xyflow/react";
import { memo, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { directionOf, LANGUAGES, type Language } from "~/modules/i18n/config";
import type { FlowInput } from "~/modules/ivr/model";
import { Ltr } from "../forms";
import { connect, disconnect, moveNode, removeNode, sourceHandles, toEdges, type EdgeData, type NodeInput } from "./graph";

type PromptLike = { text?: Partial<Record<Language, string>> } | undefined;

export interface IvrNodeData extends Record<string, unknown> {
  node: NodeInput;
  isStart: boolean;
  lang: Language;
  severity: "error" | "warning" | null;
}
type IvrFlowNode = Node<IvrNodeData, "ivr">;

/** A prompt's text in the UI language, else in any language that has one. */
function excerpt(prompt: PromptLike, lang: Language): { text: string; lang: Language } | null {
  for (const l of [lang, ...LANGUAGES.filter((x) => x !== lang)]) {
    const text = prompt?.text?.[l]?.trim();
    if (text) return { text, lang: l };
  }
  return null;
}

function NodeSummary({ node, lang }: { node: NodeInput; lang: Language }) {
  const { t } = useTranslation("ivr");
  const promptOf = (): PromptLike => {
    switch (node.type) {
      case "play":
      case "voicemail":
      case "menu":
      case "collect":
      case "language":
        return node.prompt;
      case "hangup":
        return node.message;
      case "queue":
        return node.holdPrompt;
      default:
        return undefined;
    }
  };
  let detail: ReactNode = null;
  if (node.type === "menu" || node.type === "language") detail = t("builder.summary.keys", { digits: node.options.map((o) => o.digit).join(lang === "fa" ? "، " : ", ") });
  if (node.type === "collect") detail = t("builder.summary.variable", { variable: node.variable });
  if (node.type === "queue") detail = t("builder.summary.queue", { queueId: node.queueId });
  if (node.type === "hours") detail = t("builder.summary.hours");
  if (node.type === "transfer") detail = <Ltr>{node.number}</Ltr>;
  const text = node.type === "hours" || node.type === "transfer" ? null : excerpt(promptOf(), lang);
  return (
    <>
      {node.type !== "hours" && node.type !== "transfer" && node.type !== "queue" ? (
        text ? (
          <div className="ivr-node__summary" lang={text.lang} dir={directionOf(text.lang)} title={text.text}>
            {text.text}
          </div>
        ) : (
          <div className="ivr-node__summary muted">{t("builder.noText")}</div>
        )
      ) : null}
      {detail ? <div className="ivr-node__detail">{detail}</div> : null}
    </>
  );
}

function edgeLabel(t: (k: string, o?: Record<string, unknown>) => string, data: EdgeData | undefined) {
  if (!data) return "";
  return data.kind === "digit" ? t("builder.edge.digit", { digit: data.digit ?? "" }) : t(`builder.edge.${data.kind}`);
}

const IvrNodeCard = memo(function IvrNodeCard({ id, data, selected }: NodeProps<IvrFlowNode>) {
  const { t } = useTranslation("ivr");
  const { node, isStart, lang, severity } = data;
  const handles = sourceHandles(node);
  const handleKey = handles.map((h) => h.field).join("|");
  const updateNodeInternals = useUpdateNodeInternals();
  useEffect(() => updateNodeInternals(id), [id, handleKey, updateNodeInternals]);
  return (
    <div
      className={`ivr-node ivr-node--${node.type}${selected ? " ivr-node--selected" : ""}${severity ? ` ivr-node--${severity}` : ""}`}
      dir={directionOf(lang)}
      lang={lang}
    >
      <Handle type="target" position={Position.Top} className="ivr-handle ivr-handle--in" />
      <div className="ivr-node__head">
        <span className="ivr-node__kind">{t(`builder.kind.${node.type}`)}</span>
        {isStart ? <span className="ivr-node__start">{t("builder.start")}</span> : null}
      </div>
      <code className="ivr-node__id">{node.id}</code>
      <NodeSummary node={node} lang={lang} />
      {handles.length ? (
        <div className="ivr-node__outs" dir="ltr">
          {handles.map((h) => (
            <div key={h.field} className={`ivr-node__out ivr-node__out--${h.kind}`} lang={lang}>
              <span>{h.kind === "digit" ? h.digit : t(`builder.edge.${h.kind}`)}</span>
              <Handle type="source" position={Position.Bottom} id={h.field} className="ivr-handle" />
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
});

const nodeTypes = { ivr: IvrNodeCard };

type Props = {
  flow: FlowInput;
  selectedId: string | null;
  lang: Language;
  severityByNode: Map<string, "error" | "warning">;
  update: (f: (flow: FlowInput) => FlowInput) => void;
  onSelect: (id: string | null) => void;
};

/**
 * The xyflow canvas over the flow. The flow is the one state: nodes and edges are derived from it,
 * with only what xyflow measures (sizes) and the position of a step being dragged kept here.
 */
export function FlowCanvas({ flow, selectedId, lang, severityByNode, update, onSelect }: Props) {
  const { t } = useTranslation("ivr");
  const [measured, setMeasured] = useState<Record<string, { width: number; height: number }>>({});
  const [dragging, setDragging] = useState<Record<string, XYPosition>>({});
  const [selectedEdge, setSelectedEdge] = useState<string | null>(null);
  const draggingRef = useRef(dragging);
  draggingRef.current = dragging;
  const reconnected = useRef(true);

  const nodes = useMemo<IvrFlowNode[]>(
    () =>
      flow.nodes.map((n, i) => ({
        id: n.id,
        type: "ivr",
        position: dragging[n.id] ?? n.position ?? { x: 0, y: i * 140 },
        data: { node: n, isStart: n.id === flow.start, lang, severity: severityByNode.get(n.id) ?? null },
        selected: n.id === selectedId,
        ariaLabel: `${t(`builder.kind.${n.type}`)} ${n.id}`,
        ...(measured[n.id] ? { measured: measured[n.id] } : {}),
      })),
    [flow, lang, severityByNode, selectedId, measured, dragging, t],
  );

  const edges = useMemo<Edge<EdgeData>[]>(
    () =>
      toEdges(flow).map((e) => ({
        ...e,
        label: edgeLabel(t, e.data),
        selected: e.id === selectedEdge,
        reconnectable: true,
        className: `ivr-edge ivr-edge--${e.data?.kind ?? "next"}`,
      })),
    [flow, selectedEdge, t],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<IvrFlowNode>[]) => {
      for (const c of changes) {
        if (c.type === "dimensions" && c.dimensions) {
          const dims = c.dimensions;
          setMeasured((m) => (m[c.id]?.width === dims.width && m[c.id]?.height === dims.height ? m : { ...m, [c.id]: dims }));
        } else if (c.type === "position") {
          if (c.dragging && c.position) {
            const p = c.position;
            setDragging((d) => ({ ...d, [c.id]: p }));
          } else {
            const p = c.position ?? draggingRef.current[c.id];
            if (p) update((f) => moveNode(f, c.id, p));
            setDragging((d) => {
              const { [c.id]: _done, ...rest } = d;
              return rest;
            });
          }
        } else if (c.type === "select" && c.selected) {
          onSelect(c.id);
        } else if (c.type === "remove") {
          update((f) => removeNode(f, c.id));
        }
      }
    },
    [update, onSelect],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<Edge<EdgeData>>[]) => {
      for (const c of changes) {
        if (c.type === "select") setSelectedEdge((s) => (c.selected ? c.id : s === c.id ? null : s));
        else if (c.type === "remove") {
          const [source, ...field] = c.id.split(":");
          update((f) => disconnect(f, source!, field.join(":")));
        }
      }
    },
    [update],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      if (c.sourceHandle) update((f) => connect(f, c.source, c.sourceHandle!, c.target));
    },
    [update],
  );

  const onReconnect = useCallback(
    (old: Edge<EdgeData>, c: Connection) => {
      reconnected.current = true;
      if (!c.sourceHandle || !old.sourceHandle) return;
      update((f) => {
        const moved = old.source !== c.source || old.sourceHandle !== c.sourceHandle;
        return connect(moved ? disconnect(f, old.source, old.sourceHandle!) : f, c.source, c.sourceHandle!, c.target);
      });
    },
    [update],
  );

  return (
    <ReactFlow<IvrFlowNode, Edge<EdgeData>>
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      onConnect={onConnect}
      onReconnectStart={() => {
        reconnected.current = false;
      }}
      onReconnect={onReconnect}
      onReconnectEnd={(_e, edge) => {
        // An edge end dropped on empty space removes that connection.
        if (!reconnected.current && edge.sourceHandle) update((f) => disconnect(f, edge.source, edge.sourceHandle!));
        reconnected.current = true;
      }}
      onPaneClick={() => {
        onSelect(null);
        setSelectedEdge(null);
      }}
      fitView
      minZoom={0.2}
      deleteKeyCode={["Delete", "Backspace"]}
      aria-label={t("builder.canvasLabel")}
    >
      <Background gap={20} />
    </ReactFlow>
  );
}
