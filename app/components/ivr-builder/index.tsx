import type { LinksFunction } from "@remix-run/node";
import xyflowCss from "@xyflow/react/dist/style.css?url";
import { useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { DEFAULT_LANGUAGE, isLanguage, type Language } from "~/modules/i18n/config";
import { NODE_TYPES, type FlowInput, type NodeType } from "~/modules/ivr/model";
import { validateFlow } from "~/modules/ivr/validator";
import builderCss from "~/styles/ivr-builder.css?url";
import { FlowCanvas } from "./canvas";
import { PromptEditor } from "./fields";
import { addNode, removeNode, renameNode, setStart, updateNode } from "./graph";
import { NodeForm } from "./node-form";
import { IssueReport } from "./report";

/** The stylesheets the builder needs; a route rendering it spreads these into its `links`. */
export const ivrBuilderLinks: LinksFunction = () => [
  { rel: "stylesheet", href: xyflowCss },
  { rel: "stylesheet", href: builderCss },
];

export interface IvrBuilderProps {
  /** The flow to start from (a draft version's definition). */
  initial: FlowInput;
  /** The tenant's languages: one prompt text box per language, and the validator's missing-prompt check. */
  languages: Language[];
  /** The tenant's queue ids: the queue picker, and the validator's unknown-queue check. */
  queueIds: string[];
  /** Called with the whole flow after every change. */
  onChange?: (flow: FlowInput) => void;
  /** Name of the hidden input carrying the flow as JSON, for a plain <Form>. */
  name?: string;
}

/**
 * The IVR builder: palette, xyflow canvas, a side-panel form for the selected step and the
 * validator's report. It holds the flow as state and mirrors it into a hidden input; saving,
 * validating on the server and publishing are the route's job.
 */
export function IvrBuilder({ initial, languages, queueIds, onChange, name = "definition" }: IvrBuilderProps) {
  const { t, i18n } = useTranslation("ivr");
  const uiLang: Language = isLanguage(i18n.language) ? i18n.language : DEFAULT_LANGUAGE;
  const [flow, setFlow] = useState<FlowInput>(initial);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const panelId = useId();

  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    onChangeRef.current?.(flow);
  }, [flow]);

  const issues = useMemo(() => validateFlow(flow, { tenantLanguages: languages, queueIds }), [flow, languages, queueIds]);
  const severityByNode = useMemo(() => {
    const m = new Map<string, "error" | "warning">();
    for (const i of issues) if (i.nodeId !== null && m.get(i.nodeId) !== "error") m.set(i.nodeId, i.severity);
    return m;
  }, [issues]);

  const update = useCallback((f: (flow: FlowInput) => FlowInput) => setFlow(f), []);
  const select = useCallback((id: string | null) => setSelectedId(id), []);

  const selectedIndex = selectedId === null ? -1 : flow.nodes.findIndex((n) => n.id === selectedId);
  const selected = selectedIndex >= 0 ? flow.nodes[selectedIndex] : undefined;
  const nodeIds = flow.nodes.map((n) => n.id);

  const add = (type: NodeType) => {
    const res = addNode(flow, type);
    setFlow(res.flow);
    setSelectedId(res.id);
  };

  return (
    <div className="ivr-builder">
      <input type="hidden" name={name} value={JSON.stringify(flow)} />
      <div className="ivr-palette" role="group" aria-labelledby={`${panelId}-palette`}>
        <h3 id={`${panelId}-palette`} className="ivr-palette__title">
          {t("builder.palette.title")}
        </h3>
        <div className="ivr-palette__buttons">
          {NODE_TYPES.map((type) => (
            <button
              key={type}
              type="button"
              className={`button button--ghost button--small ivr-palette__add ivr-kind--${type}`}
              aria-label={t("builder.palette.add", { kind: t(`builder.kind.${type}`) })}
              onClick={() => add(type)}
            >
              + {t(`builder.kind.${type}`)}
            </button>
          ))}
        </div>
      </div>
      <div className="ivr-builder__main">
        <div className="ivr-builder__canvas" dir="ltr" role="region" aria-label={t("builder.canvasLabel")}>
          {/* ReactFlow makes its own store from the first nodes, so the server render already has every step. */}
          <FlowCanvas flow={flow} selectedId={selectedId} lang={uiLang} severityByNode={severityByNode} update={update} onSelect={select} />
        </div>
        <aside className="ivr-builder__panel" aria-labelledby={`${panelId}-title`}>
          <h3 id={`${panelId}-title`}>{selected ? t("builder.panel.title") : t("builder.panel.flow")}</h3>
          <div className="field">
            <label htmlFor={`${panelId}-select`}>{t("builder.panel.select")}</label>
            <select id={`${panelId}-select`} dir="ltr" value={selected ? selected.id : ""} onChange={(e) => setSelectedId(e.target.value || null)}>
              <option value="">{t("builder.panel.flow")}</option>
              {nodeIds.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </div>
          {selected ? (
            <NodeForm
              key={selectedIndex}
              node={selected}
              isStart={flow.start === selected.id}
              nodeIds={nodeIds}
              languages={languages}
              queueIds={queueIds}
              issues={issues.filter((i) => i.nodeId === selected.id)}
              onChange={(node) => setFlow((f) => updateNode(f, selected.id, node))}
              onRename={(to) => {
                setFlow((f) => renameNode(f, selected.id, to));
                setSelectedId(to);
              }}
              onSetStart={() => setFlow((f) => setStart(f, selected.id))}
              onDelete={() => {
                setFlow((f) => removeNode(f, selected.id));
                setSelectedId(null);
              }}
            />
          ) : (
            <>
              <p className="muted">{t("builder.panel.empty")}</p>
              <PromptEditor
                label={t("builder.field.goodbye")}
                value={flow.goodbye}
                optional
                languages={languages}
                errors={[]}
                onChange={(goodbye) =>
                  setFlow((f) => {
                    const { goodbye: _old, ...rest } = f;
                    return goodbye ? { ...rest, goodbye } : rest;
                  })
                }
              />
            </>
          )}
        </aside>
      </div>
      <IssueReport issues={issues} onSelect={select} />
      <p className="muted ivr-builder__hint">{t("builder.connectHint")}</p>
    </div>
  );
}
