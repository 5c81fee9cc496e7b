import { randomUUID } from "node:crypto";
import { Alarm } from "./alarm";
import type { Logger } from "pino";
import type { Language } from "../i18n/config";
import { findCallByProviderId, listCalls } from "../interactions/calls.server";
import { isTerminalState, type InteractionState } from "../interactions/states";
import type { BusinessCalendar } from "../ivr/calendar";
import { getFlowVersion } from "../ivr/flows.server";
import type { Flow } from "../ivr/model";
import { logger as rootLogger } from "../platform/logger.server";
import { listDispositions, type Disposition } from "../queues/dispositions.server";
import { acceptOffer, changeAgentState, rejectOffer, RoutingError } from "../routing/acd.server";
import { connectAccepted } from "../telephony/call-control.server";
import { endContact, finishWrapUp, holdContact, resumeContact } from "../routing/contact.server";
import { onRoutingNotices } from "../routing/notify.server";
import { agentLiveStates, routableAgents, type AgentLiveState, type RoutableAgent } from "../routing/roster.server";
import {
  finishRecording,
  hangUp,
  pressDigits,
  sendQueueTick,
  sendTimeout,
  SimulatorError,
  simulatorCallView,
  startSimulatedCall,
  type SimulatorCallView,
} from "../telephony/simulator.server";
import { tenantBusinessCalendar } from "../tenancy/calendar.server";
import { listTenantNumbers } from "../tenancy/tenant-numbers.server";
import { findTenantBySlug } from "../tenancy/tenants.server";
import { tenantQueueFigures } from "../wallboard/wallboard.server";
import {
  callerMove,
  callerNumbers,
  callerPersona,
  contactPlan,
  createRng,
  DEMO_TIMING,
  nextArrival,
  pickDisposition,
  promptInfo,
  tenantRate,
  type CallerPersona,
  type ContactPlan,
  type Rng,
  type TrafficTiming,
} from "./traffic-plan";

/**
 * The traffic generator (issue 4): simulated callers ring the tenants' numbers in a Poisson stream,
 * go through the published IVR and wait in its queues, all through the simulator adapter (the same
 * interpreter and IVR -> ACD bridge as real calls); simulated agents answer them through the routing
 * functions the agent desktop calls: go available, accept what they are offered, talk, hold now and
 * then, end, wrap up with a disposition of the tenant and sometimes a note, take the odd break.
 *
 * Only agents on the bot list act (never a team leader, never one listed as human), so a person who
 * signs in as agent01 competes for the same calls: the ACD offers only to available agents, and the
 * bots have no advantage beyond being available.
 *
 * Bots learn about offers from routing notices made in this process and, as the robust path for
 * offers made elsewhere (the web process matching a freed human, another worker's sweep), by polling
 * their live-state rows. One generator per bureau: a second one would sweep the first one's calls.
 */

export const DEFAULT_BOT_EMAILS: readonly string[] = Array.from({ length: 10 }, (_, i) => `agent${String(i + 3).padStart(2, "0")}@hamkal.demo`);
export const DEFAULT_HUMAN_EMAILS: readonly string[] = ["agent01@hamkal.demo", "agent02@hamkal.demo"];

/** Provider call ids of generated calls start with this, so a restarted generator finds its leftovers. */
const ATTEMPT_PREFIX = "traffic-";
const PROVIDER_ID_PREFIX = `sim-${ATTEMPT_PREFIX}`;
const ANSWERED: readonly InteractionState[] = ["connected", "on_hold", "wrap_up"];
const WAITING: readonly InteractionState[] = ["queued", "offered"];

export interface TrafficOptions {
  /** Tenant slugs; by default every active tenant the bots serve. */
  tenants?: readonly string[];
  /** Across all tenants, in an ordinary open hour (see traffic-plan HOURLY_SHAPE). */
  callsPerMinute: number;
  /** E-mail addresses of the agents the generator plays, or how many of DEFAULT_BOT_EMAILS. */
  botAgents?: readonly string[] | number;
  /** Never played, even when listed as bots. */
  humanAgents?: readonly string[];
  /** false: a flat rate, whatever the tenants' hours (load runs, tests). */
  followBusinessHours?: boolean;
  timing?: Partial<TrafficTiming>;
  seed?: number | string;
  /** New calls wait while this many are live. */
  maxLiveCalls?: number;
  /** How often bots read their live state when no notice woke them. */
  pollMs?: number;
  /** Hang up calls a previous generator left open (it crashed): on by default. */
  sweepStaleCalls?: boolean;
  log?: Pick<Logger, "info" | "warn" | "debug">;
}

export interface TrafficStats {
  placed: number;
  /** Calls the caller heard queue for. */
  reachedQueue: number;
  /** Calls the caller found answered, by a bot or a person. */
  answered: number;
  answeredByBots: number;
  abandoned: number;
  callbacksTaken: number;
  voicemails: number;
  /** Calls that ended in the IVR without reaching a queue (self-service, after hours, gave up). */
  endedInIvr: number;
  wrapped: number;
  breaks: number;
  skipped: number;
  errors: number;
  live: number;
  bots: number;
  tenants: number;
}

export interface TrafficHandle {
  bots: { agentId: string; email: string }[];
  tenants: { id: string; slug: string }[];
  stats(): TrafficStats;
  /** Stops arrivals, lets live calls run on for `drainMs`, hangs up the rest, and takes the bots offline. */
  stop(opts?: { drainMs?: number }): Promise<void>;
}

export class TrafficError extends Error {}

const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A sleep that stop() or an answer can cut short. */
interface TenantLine {
  id: string;
  slug: string;
  language: Language;
  numbers: { id: string; e164: string }[];
  calendar: BusinessCalendar | null;
  calendarReadAt: number;
  rng: Rng;
  nextAt: number | null;
  /** False when nextAt is only the end of the look-ahead (no call within a day): look again then. */
  nextIsCall: boolean;
}

class Generator {
  readonly stats: TrafficStats = {
    placed: 0,
    reachedQueue: 0,
    answered: 0,
    answeredByBots: 0,
    abandoned: 0,
    callbacksTaken: 0,
    voicemails: 0,
    endedInIvr: 0,
    wrapped: 0,
    breaks: 0,
    skipped: 0,
    errors: 0,
    live: 0,
    bots: 0,
    tenants: 0,
  };
  readonly callers = new Map<string, Caller>();
  readonly running = new Set<Promise<void>>();
  bots: Bot[] = [];
  tenants: TenantLine[] = [];
  arrivalsStopped = false;
  stopping = false;
  private arrivalTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private pollAgain = false;
  private unsubscribe: (() => void) | null = null;
  /** After stop: stray wake-up timers must not touch the database (the process may be closing it). */
  private closed = false;
  private readonly flows = new Map<string, Flow>();
  private readonly dispositions = new Map<string, { at: number; list: Disposition[] }>();
  private readonly figures = new Map<string, { at: number; byQueue: Map<string, { waiting: number; longest: number }> }>();
  readonly numbers: string[];

  constructor(
    readonly opts: TrafficOptions,
    readonly timing: TrafficTiming,
    readonly rng: Rng,
    readonly log: Pick<Logger, "info" | "warn" | "debug">,
  ) {
    this.numbers = callerNumbers(rng.fork("numbers"), 400);
  }

  // ------------------------------------------------------------------ arrivals

  startArrivals() {
    const now = Date.now();
    for (const t of this.tenants) this.planNext(t, now);
    this.scheduleArrival();
  }

  private planNext(t: TenantLine, fromMs: number) {
    const { rate, max } = tenantRate(this.opts.callsPerMinute, this.tenants.length, this.opts.followBusinessHours === false ? null : t.calendar);
    // Looks a day ahead at most; a tenant with no calls in that time is looked at again then.
    const horizon = fromMs + 24 * 3_600_000;
    const next = nextArrival(t.rng, fromMs, rate, max, horizon);
    t.nextAt = next ?? horizon;
    t.nextIsCall = next !== null;
  }

  private scheduleArrival() {
    if (this.arrivalsStopped) return;
    const due = this.tenants.filter((t) => t.nextAt !== null).sort((a, b) => a.nextAt! - b.nextAt!)[0];
    if (!due) return;
    // setTimeout's limit is about 24.8 days; a day at most is asked for here.
    this.arrivalTimer = setTimeout(() => this.arrive(due), Math.max(0, due.nextAt! - Date.now()));
  }

  private arrive(t: TenantLine) {
    if (this.arrivalsStopped) return;
    const at = t.nextAt ?? Date.now();
    void this.refreshCalendar(t);
    // A quiet look-ahead ends without a call.
    if (t.nextIsCall) {
      if (this.stats.live >= (this.opts.maxLiveCalls ?? 200)) this.stats.skipped++;
      else this.track(new Caller(this, t, t.rng.fork(`call-${at}`)).run());
    }
    // A timer that fired late (a busy event loop) does not make up the missed arrivals in a burst.
    this.planNext(t, Math.max(at, Date.now() - 1000));
    this.scheduleArrival();
  }

  private async refreshCalendar(t: TenantLine) {
    if (this.opts.followBusinessHours === false || Date.now() - t.calendarReadAt < 10 * 60_000) return;
    t.calendarReadAt = Date.now();
    try {
      t.calendar = await tenantBusinessCalendar(t.id);
    } catch (err) {
      this.log.warn({ err, tenant: t.slug }, "traffic: could not re-read business hours");
    }
  }

  track(p: Promise<void>) {
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  // ------------------------------------------------------------------ lookups, cached

  async flow(tenantId: string, flowId: string, version: number): Promise<Flow | null> {
    const key = `${tenantId}:${flowId}@${version}`;
    const cached = this.flows.get(key);
    if (cached) return cached;
    const found = await getFlowVersion(tenantId, flowId, version);
    if (!found) return null;
    if (this.flows.size > 200) this.flows.clear();
    this.flows.set(key, found.definition);
    return found.definition;
  }

  async dispositionsOf(tenantId: string): Promise<Disposition[]> {
    const cached = this.dispositions.get(tenantId);
    if (cached && Date.now() - cached.at < 60_000) return cached.list;
    const list = (await listDispositions(tenantId)).flatMap((r) => [r, ...r.outcomes]);
    this.dispositions.set(tenantId, { at: Date.now(), list });
    return list;
  }

  /** Position and estimated wait the queue reports, as a provider's AvgQueueTime would. */
  async queueFigures(tenantId: string, queueKey: string | null): Promise<{ position: number | null; estimatedWaitSeconds: number | null }> {
    let cached = this.figures.get(tenantId);
    if (!cached || Date.now() - cached.at > 5000) {
      const rows = await tenantQueueFigures(tenantId);
      cached = { at: Date.now(), byQueue: new Map(rows.map((q) => [q.queueKey, { waiting: q.waiting, longest: q.longestWaitSeconds }])) };
      this.figures.set(tenantId, cached);
    }
    const q = queueKey ? cached.byQueue.get(queueKey) : undefined;
    if (!q) return { position: null, estimatedWaitSeconds: null };
    return { position: Math.max(1, q.waiting), estimatedWaitSeconds: q.longest };
  }

  // ------------------------------------------------------------------ bots

  startBots() {
    this.unsubscribe = onRoutingNotices((notices) => {
      const ids = new Set(this.bots.map((b) => b.agent.agentId));
      const concernsBot = notices.some(
        (n) => (n.kind === "offer" && ids.has(n.offer.agentId)) || ((n.kind === "agent" || n.kind === "withdrawn") && n.agentId !== null && ids.has(n.agentId)),
      );
      if (concernsBot) this.pollSoon();
    });
    this.schedulePoll(0);
  }

  private schedulePoll(ms: number) {
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.poll(), ms);
  }

  /** A bot's next deadline, or a notice: read the states now rather than at the next regular poll. */
  pollSoon(atMs = Date.now()) {
    const delay = Math.max(0, atMs - Date.now());
    if (delay === 0 && this.polling) {
      this.pollAgain = true;
      return;
    }
    setTimeout(() => {
      if (this.closed) return;
      if (this.polling) this.pollAgain = true;
      else void this.poll();
    }, delay);
  }

  private async poll() {
    if (this.closed) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = true;
    try {
      const states = await agentLiveStates(this.bots.map((b) => b.agent.agentId));
      const now = Date.now();
      for (const [i, bot] of this.bots.entries()) bot.observe(states[i]!, now);
    } catch (err) {
      this.stats.errors++;
      this.log.warn({ err }, "traffic: reading the bots' states failed");
    } finally {
      this.polling = false;
      const again = this.pollAgain;
      this.pollAgain = false;
      if (!this.closed && !this.botsDone()) this.schedulePoll(again ? 0 : (this.opts.pollMs ?? 500));
    }
  }

  private botsDone() {
    return this.stopping && this.bots.every((b) => b.offline);
  }

  // ------------------------------------------------------------------ stop

  private stopPromise: Promise<void> | null = null;

  stop(drainMs: number): Promise<void> {
    this.stopPromise ??= this.doStop(drainMs);
    return this.stopPromise;
  }

  private async doStop(drainMs: number) {
    this.arrivalsStopped = true;
    clearTimeout(this.arrivalTimer);
    const drainUntil = Date.now() + drainMs;
    while (this.callers.size > 0 && Date.now() < drainUntil) await sleepMs(100);
    this.stopping = true;
    for (const c of this.callers.values()) c.alarm.ring();
    await Promise.race([Promise.allSettled([...this.running]), sleepMs(4000)]);
    // Bots end what they hold and sign off; the poller keeps them moving until they are offline.
    this.pollSoon();
    const deadline = Date.now() + 3000;
    while (!this.bots.every((b) => b.offline) && Date.now() < deadline) await sleepMs(50);
    this.unsubscribe?.();
    this.closed = true;
    clearTimeout(this.pollTimer);
    while (this.polling) await sleepMs(20);
    await Promise.allSettled(this.bots.map((b) => b.acting));
    this.log.info({ stats: this.stats }, "traffic generator stopped");
  }
}

/** One simulated caller: rings, follows the IVR, waits in the queue, talks, hangs up. */
class Caller {
  readonly alarm = new Alarm();
  readonly persona: CallerPersona;
  callId: string | null = null;
  private providerCallId = "";
  private hangUpRequested = false;
  private queuedAt: number | null = null;
  /** The key of the queue the call waits in, for the figures the queue reports. */
  private queueKey: string | null = null;
  private reachedQueue = false;
  private answered = false;
  private finished = false;
  answeredBy: string | null = null;

  constructor(
    private readonly gen: Generator,
    private readonly tenant: TenantLine,
    private readonly rng: Rng,
  ) {
    this.persona = callerPersona(rng, gen.timing, ["fa", "en"]);
  }

  /** A bot took the call: stop checking the database for it. */
  answeredByBot(agentId: string) {
    this.answeredBy = agentId;
    this.alarm.ring();
  }

  /** The conversation is over (the bot ended it or lets the caller end it): put the phone down. */
  requestHangUp() {
    this.hangUpRequested = true;
    this.alarm.ring();
  }

  async run(): Promise<void> {
    const gen = this.gen;
    gen.stats.live++;
    try {
      const number = this.rng.pick(this.tenant.numbers);
      const started = await startSimulatedCall(
        this.tenant.id,
        number.id,
        this.tenant.language,
        { userId: null, label: "traffic generator" },
        `${ATTEMPT_PREFIX}${randomUUID()}`,
        this.rng.pick(gen.numbers),
      );
      this.callId = started.call.id;
      this.providerCallId = started.call.providerCallId ?? "";
      gen.callers.set(this.callId, this);
      gen.stats.placed++;
      while (!this.finished) await this.turn();
    } catch (err) {
      if (!(err instanceof SimulatorError && err.key === "ended")) {
        gen.stats.errors++;
        gen.log.warn({ err, tenant: this.tenant.slug, callId: this.callId }, "traffic: a simulated call failed");
      }
    } finally {
      await this.putDown();
      if (this.callId) gen.callers.delete(this.callId);
      if (this.callId && !this.reachedQueue) gen.stats.endedInIvr++;
      gen.stats.live--;
    }
  }

  private get ids() {
    return { tenantId: this.tenant.id, callId: this.callId! };
  }

  private async view(): Promise<SimulatorCallView | null> {
    return simulatorCallView(this.tenant.id, this.callId!);
  }

  private async turn() {
    if (this.gen.stopping) return this.finish();
    const view = await this.view();
    if (!view) return this.finish();
    const state = view.call.state;
    if (ANSWERED.includes(state)) return this.talk();
    if (isTerminalState(state) || !view.live) return this.finish();
    const { tenantId, callId } = this.ids;
    const ex = view.expecting;
    if (ex.kind === "queue") {
      if (this.queuedAt === null) {
        this.queuedAt = Date.now();
        const flow = await this.flowOf(view);
        const node = flow?.nodes.find((n) => n.id === view.call.ivr?.nodeId);
        this.queueKey = node?.type === "queue" ? node.queueId : null;
        if (!this.reachedQueue) this.gen.stats.reachedQueue++;
        this.reachedQueue = true;
      }
      const waited = (Date.now() - this.queuedAt) / 1000;
      const { move, afterSeconds } = callerMove(this.rng, this.persona, this.gen.timing, ex, { kind: "unknown" }, { waitedSeconds: waited });
      if (move.type === "digits") {
        if (await this.pause(afterSeconds)) return;
        await pressDigits(tenantId, callId, move.digits, view.step);
        this.gen.stats.callbacksTaken++;
        return;
      }
      if (await this.waitInQueue(afterSeconds)) return;
      if (move.type === "queueTick") {
        const figures = await this.gen.queueFigures(tenantId, this.queueKey);
        await sendQueueTick(tenantId, callId, { waitedSeconds: Math.round((Date.now() - this.queuedAt) / 1000), ...figures }, view.step);
        return;
      }
      // Out of patience, unless someone picked up meanwhile.
      const now = await findCallByProviderId(tenantId, "simulator", this.providerCallId);
      if (now && WAITING.includes(now.state)) {
        this.gen.stats.abandoned++;
        return this.finish();
      }
      return;
    }
    this.queuedAt = null;
    if (ex.kind === "digits") {
      const flow = await this.flowOf(view);
      const prompt = flow ? promptInfo(flow, view.call.ivr?.nodeId ?? null) : ({ kind: "unknown" } as const);
      const { move, afterSeconds } = callerMove(this.rng, this.persona, this.gen.timing, ex, prompt);
      if (await this.pause(afterSeconds)) return;
      if (move.type === "digits") await pressDigits(tenantId, callId, move.digits, view.step);
      else if (move.type === "timeout") await sendTimeout(tenantId, callId, view.step);
      else return this.finish();
      return;
    }
    if (ex.kind === "recording") {
      const { afterSeconds } = callerMove(this.rng, this.persona, this.gen.timing, ex, { kind: "unknown" });
      if (await this.pause(afterSeconds)) return;
      await finishRecording(tenantId, callId, view.step);
      this.gen.stats.voicemails++;
      return;
    }
    // A live call that expects nothing from the caller (a transfer being dialled): put the phone down.
    return this.finish();
  }

  private flowOf(view: SimulatorCallView): Promise<Flow | null> {
    const { flowId, flowVersion } = view.call;
    return flowId && flowVersion ? this.gen.flow(this.tenant.id, flowId, flowVersion) : Promise.resolve(null);
  }

  /** Sleeps; true when the generator is stopping (the caller then hangs up). */
  private async pause(seconds: number): Promise<boolean> {
    await this.alarm.sleep(seconds * 1000);
    return this.gen.stopping;
  }

  /**
   * Waits in the queue, noticing an answer as it happens (a bot rings the alarm; a person's answer is
   * seen by looking at the call every couple of seconds). True when the wait was cut short.
   */
  private async waitInQueue(seconds: number): Promise<boolean> {
    const until = Date.now() + seconds * 1000;
    let lastLook = Date.now();
    while (Date.now() < until) {
      await this.alarm.sleep(Math.min(500, until - Date.now()));
      if (this.gen.stopping || this.answeredBy !== null || this.hangUpRequested) return true;
      if (Date.now() - lastLook >= 2000) {
        lastLook = Date.now();
        const now = await findCallByProviderId(this.tenant.id, "simulator", this.providerCallId);
        if (!now || !WAITING.includes(now.state)) return true;
      }
    }
    return false;
  }

  /**
   * On the line with an agent until the conversation is over: a bot says so (requestHangUp); with a
   * person, the caller notices the contact ended (wrap-up) and puts the phone down.
   */
  private async talk() {
    if (!this.answered) {
      this.answered = true;
      this.gen.stats.answered++;
    }
    const longest = Date.now() + 30 * 60_000;
    for (;;) {
      await this.alarm.sleep(this.answeredBy ? 5000 : 2000);
      if (this.gen.stopping || this.hangUpRequested || Date.now() > longest) break;
      const now = await findCallByProviderId(this.tenant.id, "simulator", this.providerCallId);
      if (!now || (now.state !== "connected" && now.state !== "on_hold")) break;
    }
    return this.finish();
  }

  private finish() {
    this.finished = true;
  }

  /** The provider's end of the call, recorded once whatever state the call is in. */
  private async putDown() {
    if (!this.callId) return;
    try {
      const view = await this.view();
      // Also when the IVR hung up first: a provider always reports the end (billing reads its duration);
      // hangUp records it once and changes nothing else on an ended call.
      if (view) await hangUp(this.tenant.id, this.callId, view.step);
    } catch (err) {
      if (!(err instanceof SimulatorError)) {
        this.gen.stats.errors++;
        this.gen.log.warn({ err, callId: this.callId }, "traffic: hanging up failed");
      }
    }
  }
}

/** One simulated agent, moved by what its live state says and its own plan for the contact in hand. */
class Bot {
  acting: Promise<void> = Promise.resolve();
  private busy = false;
  offline = false;
  private plan: ContactPlan | null = null;
  private ringing: { contactId: string; dueAt: number } | null = null;
  private talking: { contactId: string; interactionId: string | null; since: number; heldAt: number | null; held: boolean; endAskedAt: number | null } | null = null;
  private wrapping: { contactId: string; dueAt: number } | null = null;
  private breakUntil: number | null = null;
  private breakPending: ContactPlan["breakAfter"] = null;
  private readonly author: { userId: string; label: string };

  constructor(
    private readonly gen: Generator,
    readonly agent: RoutableAgent,
    private readonly rng: Rng,
  ) {
    this.author = { userId: agent.agentId, label: agent.name };
  }

  observe(live: AgentLiveState, now: number) {
    if (this.busy) return;
    this.offline = live.state === "offline" && this.gen.stopping;
    this.busy = true;
    this.acting = this.act(live, now)
      .catch((err: unknown) => {
        // Someone else moved the contact first (the caller hung up, the offer expired): look again.
        if (err instanceof RoutingError) this.gen.log.debug({ agent: this.agent.email, key: err.key }, "traffic: bot action overtaken");
        else {
          this.gen.stats.errors++;
          this.gen.log.warn({ err, agent: this.agent.email }, "traffic: bot action failed");
        }
        this.gen.pollSoon(Date.now() + 200);
      })
      .finally(() => {
        this.busy = false;
      });
  }

  private wakeAt = 0;
  /** One wake-up per deadline, however many polls see the bot waiting for it. */
  private at(ms: number) {
    if (this.wakeAt === ms) return;
    this.wakeAt = ms;
    this.gen.pollSoon(ms);
  }

  private async act(live: AgentLiveState, now: number) {
    const { agentId } = this.agent;
    const stopping = this.gen.stopping;
    switch (live.state) {
      case "offline":
        if (!stopping) await changeAgentState(agentId, { type: "goAvailable" }, agentId);
        return;
      case "missed":
        await changeAgentState(agentId, stopping ? { type: "goOffline" } : { type: "goAvailable" }, agentId);
        return;
      case "available":
        if (stopping) {
          await changeAgentState(agentId, { type: "goOffline" }, agentId);
        } else if (this.breakPending) {
          const { reason, seconds } = this.breakPending;
          this.breakPending = null;
          await changeAgentState(agentId, { type: "goBreak", reason }, agentId);
          this.breakUntil = now + seconds * 1000;
          this.gen.stats.breaks++;
          this.at(this.breakUntil);
        }
        return;
      case "break":
        if (stopping) {
          await changeAgentState(agentId, { type: "goOffline" }, agentId);
          return;
        }
        // On a break someone else started (or one from before a restart): it ends like the bot's own.
        this.breakUntil ??= now + this.rng.between(this.gen.timing.breakLength[0], this.gen.timing.breakLength[1]) * 1000;
        if (now >= this.breakUntil) {
          this.breakUntil = null;
          await changeAgentState(agentId, { type: "goAvailable" }, agentId);
        } else this.at(this.breakUntil);
        return;
      case "offered":
        return this.onOffer(live, now);
      case "busy":
      case "on_hold":
        return this.onTalk(live, now);
      case "wrap_up":
        return this.onWrapUp(live, now);
      case "escalation":
        // Waiting for a team leader; bots never escalate, so this is a person's doing.
        return;
    }
  }

  private async onOffer(live: AgentLiveState, now: number) {
    const contactId = live.contactId;
    if (!contactId) return;
    if (this.gen.stopping) {
      await rejectOffer(this.agent.agentId, contactId);
      return;
    }
    if (this.ringing?.contactId !== contactId) {
      this.plan = contactPlan(this.rng, this.gen.timing);
      this.ringing = { contactId, dueAt: now + this.plan.ringSeconds * 1000 };
    }
    if (now < this.ringing.dueAt) {
      this.at(this.ringing.dueAt);
      return;
    }
    this.ringing = null;
    const accepted = await acceptOffer(this.agent.agentId, contactId);
    // The same step a desktop's Accept takes: the simulator records the bridge as the provider would.
    await connectAccepted(accepted, this.agent.agentId);
    this.gen.stats.answeredByBots++;
    this.talking = { contactId, interactionId: accepted.interactionId, since: Date.now(), heldAt: null, held: false, endAskedAt: null };
    this.gen.callers.get(accepted.interactionId)?.answeredByBot(this.agent.agentId);
    this.at(Date.now() + Math.min(this.plan!.talkSeconds, this.plan!.hold?.atSeconds ?? Infinity) * 1000);
  }

  private async onTalk(live: AgentLiveState, now: number) {
    const { agentId } = this.agent;
    if (!live.contactId) return;
    if (this.talking?.contactId !== live.contactId) {
      // A contact the bot did not see ringing (accepted before a restart): plan it from here.
      this.plan = contactPlan(this.rng, this.gen.timing);
      this.talking = { contactId: live.contactId, interactionId: null, since: now, heldAt: null, held: false, endAskedAt: null };
    }
    const plan = this.plan!;
    const t = this.talking;
    const elapsed = (now - t.since) / 1000;
    const stopping = this.gen.stopping;
    if (!stopping && elapsed < plan.talkSeconds) {
      if (live.state === "busy" && plan.hold && !t.held && elapsed >= plan.hold.atSeconds) {
        await holdContact(agentId);
        t.held = true;
        t.heldAt = now;
        this.at(now + plan.hold.seconds * 1000);
        return;
      }
      if (live.state === "on_hold" && (t.heldAt === null || now - t.heldAt >= (plan.hold?.seconds ?? 0) * 1000)) {
        await resumeContact(agentId);
        this.at(t.since + plan.talkSeconds * 1000);
        return;
      }
      this.at(live.state === "on_hold" && t.heldAt !== null ? t.heldAt + (plan.hold?.seconds ?? 0) * 1000 : t.since + plan.talkSeconds * 1000);
      return;
    }
    const caller = t.interactionId ? this.gen.callers.get(t.interactionId) : undefined;
    // The caller says goodbye first now and then; if it has not hung up within a few seconds the agent ends.
    if (!stopping && plan.endedBy === "caller" && caller && (t.endAskedAt === null || now - t.endAskedAt < 5000)) {
      if (t.endAskedAt === null) {
        t.endAskedAt = now;
        caller.requestHangUp();
      }
      this.at(now + 1000);
      return;
    }
    await endContact(agentId);
    caller?.requestHangUp();
  }

  private async onWrapUp(live: AgentLiveState, now: number) {
    if (!live.contactId || !live.contactTenantId) return;
    if (this.wrapping?.contactId !== live.contactId) {
      const seconds = this.plan?.wrapSeconds ?? this.rng.between(this.gen.timing.wrap[0], this.gen.timing.wrap[1]);
      this.wrapping = { contactId: live.contactId, dueAt: now + seconds * 1000 };
    }
    if (!this.gen.stopping && now < this.wrapping.dueAt) {
      this.at(this.wrapping.dueAt);
      return;
    }
    const disposition = pickDisposition(this.rng, await this.gen.dispositionsOf(live.contactTenantId));
    const plan = this.plan;
    this.wrapping = null;
    this.talking = null;
    this.plan = null;
    if (!disposition) {
      // Nothing to record for this tenant: a break is the only way out of wrap-up without one.
      this.gen.log.warn({ agent: this.agent.email, tenantId: live.contactTenantId }, "traffic: the tenant has no active disposition; the bot takes a break instead");
      await changeAgentState(this.agent.agentId, { type: "goBreak", reason: "technical" }, this.agent.agentId);
      this.breakUntil = now + 5000;
      return;
    }
    await finishWrapUp(this.agent.agentId, this.author, { dispositionId: disposition.id, notes: plan?.note ?? "" });
    this.gen.stats.wrapped++;
    this.breakPending = plan?.breakAfter ?? null;
  }
}

/** Hangs up generated calls a previous generator left live (it was killed before it could). */
async function sweepStale(tenants: readonly TenantLine[], log: Pick<Logger, "info" | "warn" | "debug">): Promise<number> {
  let swept = 0;
  for (const t of tenants) {
    const calls = await listCalls(t.id, { limit: 200 });
    for (const call of calls) {
      if (call.provider !== "simulator" || !call.providerCallId?.startsWith(PROVIDER_ID_PREFIX) || call.endedAt !== null) continue;
      try {
        const view = await simulatorCallView(t.id, call.id);
        if (view) await hangUp(t.id, call.id, view.step);
        swept++;
      } catch (err) {
        log.warn({ err, callId: call.id }, "traffic: could not hang up a leftover call");
      }
    }
  }
  return swept;
}

async function resolveBots(opts: TrafficOptions, log: Pick<Logger, "info" | "warn" | "debug">): Promise<RoutableAgent[]> {
  const wanted = typeof opts.botAgents === "number" ? DEFAULT_BOT_EMAILS.slice(0, Math.max(0, opts.botAgents)) : (opts.botAgents ?? DEFAULT_BOT_EMAILS);
  const humans = new Set((opts.humanAgents ?? DEFAULT_HUMAN_EMAILS).map((e) => e.toLowerCase()));
  const found = await routableAgents(wanted.filter((e) => !humans.has(e.toLowerCase())));
  const bots: RoutableAgent[] = [];
  for (const a of found) {
    if (a.staffRoles.includes("team_leader")) log.warn({ agent: a.email }, "traffic: team leaders are never played by the generator");
    else if (!a.active) log.warn({ agent: a.email }, "traffic: disabled agent left alone");
    else bots.push(a);
  }
  return bots;
}

async function resolveTenants(opts: TrafficOptions, bots: readonly RoutableAgent[], rng: Rng): Promise<TenantLine[]> {
  const slugs = opts.tenants ?? [...new Set(bots.flatMap((b) => b.tenants.map((t) => t.slug)))].sort();
  const lines: TenantLine[] = [];
  for (const slug of slugs) {
    const tenant = await findTenantBySlug(slug);
    if (!tenant || tenant.status !== "active") continue;
    const numbers = (await listTenantNumbers(tenant.id)).filter((n) => n.flowId !== null).map((n) => ({ id: n.id, e164: n.e164 }));
    if (numbers.length === 0) continue;
    lines.push({
      id: tenant.id,
      slug: tenant.slug,
      language: tenant.defaultLocale,
      numbers,
      calendar: opts.followBusinessHours === false ? null : await tenantBusinessCalendar(tenant.id),
      calendarReadAt: Date.now(),
      rng: rng.fork(`tenant-${slug}`),
      nextAt: null,
      nextIsCall: false,
    });
  }
  return lines;
}

/**
 * Starts the generator. Throws TrafficError when there is no bot to play or no tenant number with a
 * published IVR to call.
 */
export async function startTraffic(opts: TrafficOptions): Promise<TrafficHandle> {
  if (!(opts.callsPerMinute > 0)) throw new TrafficError("callsPerMinute must be positive");
  const log = opts.log ?? rootLogger;
  const timing = { ...DEMO_TIMING, ...opts.timing };
  const rng = createRng(opts.seed ?? Date.now());
  const gen = new Generator(opts, timing, rng, log);

  const bots = await resolveBots(opts, log);
  if (bots.length === 0) throw new TrafficError("no agent to play: none of the bot e-mail addresses is an active agent (team leaders and humans excluded)");
  const tenants = await resolveTenants(opts, bots, rng);
  if (tenants.length === 0) throw new TrafficError("no tenant to call: none has a number answered by a published IVR flow");
  gen.tenants = tenants;
  gen.bots = bots.map((b) => new Bot(gen, b, rng.fork(`bot-${b.email}`)));
  gen.stats.bots = gen.bots.length;
  gen.stats.tenants = tenants.length;

  if (opts.sweepStaleCalls !== false) {
    const swept = await sweepStale(tenants, log);
    if (swept) log.info({ swept }, "traffic: hung up calls a previous generator left open");
  }
  gen.startBots();
  gen.startArrivals();
  log.info(
    { callsPerMinute: opts.callsPerMinute, tenants: tenants.map((t) => t.slug), bots: bots.map((b) => b.email) },
    "traffic generator started",
  );
  return {
    bots: bots.map((b) => ({ agentId: b.agentId, email: b.email })),
    tenants: tenants.map((t) => ({ id: t.id, slug: t.slug })),
    stats: () => ({ ...gen.stats }),
    stop: (o = {}) => gen.stop(o.drainMs ?? 0),
  };
}
