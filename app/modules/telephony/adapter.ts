import { type Language } from "../i18n/config";
import { type IvrAction } from "../ivr/interpreter";

/**
 * The one seam between the platform and a telephony provider. The IVR interpreter decides; an
 * adapter only renders its actions for the provider and carries out the few out-of-band commands
 * the ACD needs. Inbound provider callbacks (status, recordings) reach the platform through
 * TelephonyEventSink, so every provider reports the same events into the interaction record.
 */

export const TELEPHONY_PROVIDERS = ["simulator", "twilio"] as const;
export type TelephonyProviderKind = (typeof TELEPHONY_PROVIDERS)[number];

/** A live call as the provider knows it; `tenantId` keeps every command inside one tenant. */
export interface CallHandle {
  tenantId: string;
  /** The provider's id (CallSid for Twilio; the simulator's own id). */
  providerCallId: string;
}

/** Where an agent takes calls: a PSTN number, a SIP URI or a client (softphone) identity. */
export interface AgentEndpoint {
  kind: "number" | "sip" | "client";
  address: string;
}

/** Actions that produce nothing for the caller to hear: the webhook or simulator applies them. */
export type IvrSideEffect = Extract<IvrAction, { type: "setLanguage" | "storeVariable" | "createCallbackTask" }>;

export function isIvrSideEffect(action: IvrAction): action is IvrSideEffect {
  return action.type === "setLanguage" || action.type === "storeVariable" || action.type === "createCallbackTask";
}

/** What the renderers need besides the actions; `t` is i18next's, called with `lng` in its options. */
export interface RenderContext {
  /** The call's language after the step (CallState.language). */
  callLanguage: Language;
  t: (key: string, options: Record<string, unknown>) => string;
}

export interface AdapterAnswer<Reply> {
  reply: Reply;
  sideEffects: IvrSideEffect[];
}

export const PROVIDER_CALL_STATUSES = ["ringing", "in-progress", "completed", "busy", "failed", "no-answer", "canceled"] as const;
export type ProviderCallStatus = (typeof PROVIDER_CALL_STATUSES)[number];

export interface CallStatusEvent {
  call: CallHandle;
  status: ProviderCallStatus;
  at: Date;
  /** Billed seconds, when the provider reports them (only on completion). */
  durationSeconds: number | null;
}

export interface RecordingEvent {
  call: CallHandle;
  /** The provider's recording id, so started and finished pair up. */
  recordingId: string;
  at: Date;
}

export interface RecordingFinishedEvent extends RecordingEvent {
  url: string;
  seconds: number;
}

/** Implemented by the platform (interactions), called by each adapter's inbound side. */
export interface TelephonyEventSink {
  /** Status changes are the provider's word on the call's life; they end interactions the IVR did not. */
  status(event: CallStatusEvent): Promise<void>;
  /** Marks the interaction as recorded, so QA and retention know a recording is coming. */
  recordingStarted(event: RecordingEvent): Promise<void>;
  /** The recording is fetchable now; voicemail callback tasks and QA link to it. */
  recordingFinished(event: RecordingFinishedEvent): Promise<void>;
}

/** One provider. `Reply` is what it answers a step with (TwiML verbs, simulator lines). */
export interface TelephonyAdapter<Reply> {
  readonly provider: TelephonyProviderKind;
  /** Answer/run IVR actions. Pure, so a repeated webhook can re-send the stored answer without re-running the step. */
  answer(actions: readonly IvrAction[], ctx: RenderContext): AdapterAnswer<Reply>;
  /** Out of band: put a call back into a queue when no webhook is pending (e.g. an agent transfers it to a queue). */
  enqueue(call: CallHandle, queueId: string): Promise<void>;
  /** Out of band: the ACD found an agent while the caller waits, and the provider must connect them. */
  bridge(call: CallHandle, endpoint: AgentEndpoint): Promise<void>;
  /** Out of band: end a live call (supervisor, shutdown); a call already gone is not an error. */
  hangup(call: CallHandle): Promise<void>;
}
