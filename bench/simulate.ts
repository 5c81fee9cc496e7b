import { randomBytes } from "node:crypto";
import { Alarm } from "../app/modules/traffic/alarm";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { DB } from "../db/types";
import { generateSessionToken, hashToken } from "../app/modules/auth/session.server";
import { operatorFlow, OPERATOR_QUEUE_IDS } from "../app/modules/ivr/examples";
import type { Flow } from "../app/modules/ivr/model";
import { validateFlow } from "../app/modules/ivr/validator";
import { loadDotenvFile } from "../app/modules/platform/env.server";
import { computeTwilioSignature, TWILIO_SIGNATURE_HEADER } from "../app/modules/telephony/twilio-signature";
import { auditRouting } from "../app/modules/traffic/audit.server";
import {
  BRISK_TIMING,
  callerMove,
  callerNumbers,
  callerPersona,
  contactPlan,
  createRng,
  nextArrival,
  pickDisposition,
  promptInfo,
  tenantRate,
  type CallerPersona,
  type ContactPlan,
  type Rng,
} from "../app/modules/traffic/traffic-plan";

/**
 * npm run simulate -- --tenants N --agents M --calls-per-minute R --minutes T [--url http://127.0.0.1:3000]
 *
 * Load through the real front doors of a RUNNING server (web + workers), to show the ACD neither
 * loses nor duplicates contacts (issue 4):
 *
 * - fixture: N tenants "sim-<runid>-<i>" (always open, queues general/support/complaints, two
 *   dispositions, the operator IVR published on one number each) and M agents serving every queue,
 *   written through the owner connection (DATABASE_OWNER_URL, else DATABASE_URL's server as postgres;
 *   from the environment or .env), with a session per agent;
 * - callers: a Poisson stream of R calls a minute for T minutes, split over the tenants. Each call is
 *   a provider call on the TwiML webhooks (/webhooks/voice/incoming, step, wait, status) signed with
 *   TWILIO_AUTH_TOKEN over PUBLIC_BASE_URL, as the provider would: menus answered with keys
 *   (traffic-plan's caller script), queue waits reported through the wait URL, callbacks taken,
 *   hang-ups after the caller's patience; a few deliveries are sent twice, as a provider retries;
 * - agents: the agent desktop's form posts (POST /agent, intents available, accept, hold, resume,
 *   end, wrapup, break) with the session and CSRF cookies a browser holds; offers are noticed by
 *   reading the agents' live-state rows (the desktop's SSE stream carries the same);
 * - then it waits for the ACD to settle, audits the record (app/modules/traffic/audit.server.ts),
 *   prints the figures, removes the fixture (--keep leaves it) and exits 1 when a contact was lost or
 *   duplicated or a request failed, 2 when it could not run at all.
 */

interface Config {
  tenants: number;
  agents: number;
  callsPerMinute: number;
  minutes: number;
  /** Where requests go. */
  url: string;
  /** What the server signs and builds action URLs with (its PUBLIC_BASE_URL). */
  publicBase: string;
  token: string;
  ownerUrl: string;
  seed: string;
  /** Share of webhook deliveries sent twice. */
  retries: number;
  keep: boolean;
}

class SetupError extends Error {}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

function positive(name: string, raw: string | undefined, fallback: number, integer = true): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new SetupError(`--${name} must be a positive ${integer ? "whole " : ""}number, got "${raw}"`);
  return n;
}

function config(args: string[]): Config {
  const { values } = parseArgs({
    args,
    options: {
      tenants: { type: "string" },
      agents: { type: "string" },
      "calls-per-minute": { type: "string" },
      minutes: { type: "string" },
      url: { type: "string" },
      "public-base-url": { type: "string" },
      seed: { type: "string" },
      retries: { type: "string" },
      keep: { type: "boolean" },
    },
    strict: true,
  });
  const env = process.env;
  const url = (values.url ?? `http://127.0.0.1:${env.PORT ?? 3000}`).replace(/\/+$/, "");
  const publicBase = (values["public-base-url"] ?? env.PUBLIC_BASE_URL ?? env.PUBLIC_URL ?? url).replace(/\/+$/, "");
  let ownerUrl = env.DATABASE_OWNER_URL;
  if (!ownerUrl && env.DATABASE_URL) {
    const u = new URL(env.DATABASE_URL);
    u.username = "postgres";
    u.password = "";
    ownerUrl = u.toString();
  }
  if (!ownerUrl) throw new SetupError("Set DATABASE_OWNER_URL (or DATABASE_URL) to the running server's database, in the environment or .env");
  const retries = values.retries === undefined ? 0.03 : Number(values.retries);
  if (!(retries >= 0 && retries <= 1)) throw new SetupError(`--retries must be between 0 and 1, got "${values.retries}"`);
  return {
    tenants: positive("tenants", values.tenants, 2),
    agents: positive("agents", values.agents, 4),
    callsPerMinute: positive("calls-per-minute", values["calls-per-minute"], 30, false),
    minutes: positive("minutes", values.minutes, 1, false),
    url,
    publicBase,
    token: env.TWILIO_AUTH_TOKEN ?? "",
    ownerUrl,
    seed: values.seed ?? randomBytes(4).toString("hex"),
    retries,
    keep: values.keep ?? false,
  };
}

const HOW_TO_START = [
  "Start the server with a provider token (the webhooks do not exist without one), and give this script the same token:",
  "  TWILIO_AUTH_TOKEN=sim-token npm run demo",
  "  TWILIO_AUTH_TOKEN=sim-token DATABASE_OWNER_URL=<the demo's owner URL> npm run simulate -- --url http://127.0.0.1:3000 ...",
  "(or, with .env: TWILIO_AUTH_TOKEN=sim-token npm run dev, npm run workers, and npm run simulate in the same shell)",
].join("\n");

/** The server must be up, with the webhooks enabled and signed by the token this script holds. */
async function checkServer(cfg: Config) {
  try {
    const health = await fetch(`${cfg.url}/healthz`, { signal: AbortSignal.timeout(5000) });
    if (health.status !== 200) throw new SetupError(`${cfg.url}/healthz answered ${health.status}: the server is not healthy`);
  } catch (err) {
    if (err instanceof SetupError) throw err;
    throw new SetupError(`No server at ${cfg.url} (${err instanceof Error ? err.message : err}).\n${HOW_TO_START}`);
  }
  const unsigned = await fetch(`${cfg.url}/webhooks/voice/incoming`, { method: "POST" });
  if (unsigned.status === 404) throw new SetupError(`The server at ${cfg.url} has no TWILIO_AUTH_TOKEN, so its voice webhooks are off.\n${HOW_TO_START}`);
  if (!cfg.token) throw new SetupError(`TWILIO_AUTH_TOKEN is not set here: export the server's token so the webhooks can be signed.\n${HOW_TO_START}`);
}

// ---------------------------------------------------------------------------------------------------
// Fixture

interface Fixture {
  runId: string;
  tenants: { id: string; slug: string; e164: string; dispositions: { id: string; parentId: string | null; resolved: boolean; active: boolean }[] }[];
  agents: { id: string; email: string; token: string }[];
}

async function createFixture(db: Kysely<DB>, cfg: Config): Promise<Fixture> {
  const runId = randomBytes(3).toString("hex");
  return db.transaction().execute(async (trx) => {
    // Works for a non-superuser owner too: the tables force row-level security.
    await sql`select set_config('app.scope', 'bureau', true)`.execute(trx);
    const tenants: Fixture["tenants"] = [];
    const queueIds: { tenantId: string; queueId: string }[] = [];
    for (let i = 1; i <= cfg.tenants; i++) {
      const slug = `sim-${runId}-${i}`;
      const tenant = await trx.insertInto("tenants").values({ slug, name: `Simulated ${i} (${runId})` }).returning("id").executeTakeFirstOrThrow();
      await trx
        .insertInto("tenant_business_hours")
        .values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ tenant_id: tenant.id, weekday, opens_at: "00:00", closes_at: "24:00" })))
        .execute();
      for (const key of OPERATOR_QUEUE_IDS) {
        const q = await trx.insertInto("queues").values({ tenant_id: tenant.id, key, name: key }).returning("id").executeTakeFirstOrThrow();
        queueIds.push({ tenantId: tenant.id, queueId: q.id });
      }
      const reason = await trx.insertInto("dispositions").values({ tenant_id: tenant.id, code: "sim", name: "Simulated" }).returning("id").executeTakeFirstOrThrow();
      const outcomes = await trx
        .insertInto("dispositions")
        .values([
          { tenant_id: tenant.id, parent_id: reason.id, code: "sim-solved", name: "Solved", resolved: true },
          { tenant_id: tenant.id, parent_id: reason.id, code: "sim-follow-up", name: "Follow-up", resolved: false },
        ])
        .returning(["id", "parent_id", "resolved", "active"])
        .execute();
      const flow = await trx.insertInto("ivr_flows").values({ tenant_id: tenant.id, name: "Operator" }).returning("id").executeTakeFirstOrThrow();
      await trx
        .insertInto("ivr_flow_versions")
        .values({
          tenant_id: tenant.id,
          flow_id: flow.id,
          version: 1,
          status: "published",
          definition: JSON.stringify(operatorFlow),
          validation: JSON.stringify(validateFlow(operatorFlow, { tenantLanguages: ["fa", "en"], queueIds: [...OPERATOR_QUEUE_IDS] })),
          published_at: new Date(),
        })
        .execute();
      let e164 = "";
      for (let attempt = 0; attempt < 20 && !e164; attempt++) {
        const candidate = `+98219${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
        const taken = await trx.selectFrom("tenant_phone_numbers").select("id").where("e164", "=", candidate).executeTakeFirst();
        if (!taken) e164 = candidate;
      }
      if (!e164) throw new SetupError("could not find a free phone number for the fixture");
      await trx.insertInto("tenant_phone_numbers").values({ tenant_id: tenant.id, e164, label: "simulate", ivr_flow_id: flow.id }).execute();
      tenants.push({ id: tenant.id, slug, e164, dispositions: [{ id: reason.id, parentId: null, resolved: false, active: true }, ...outcomes.map((o) => ({ id: o.id, parentId: o.parent_id, resolved: o.resolved, active: o.active }))] });
    }
    const agents: Fixture["agents"] = [];
    for (let j = 1; j <= cfg.agents; j++) {
      const email = `sim-${runId}-agent${j}@simulate.hamkal.test`;
      const user = await trx.insertInto("users").values({ email, name: `Simulated agent ${j}` }).returning("id").executeTakeFirstOrThrow();
      await trx.insertInto("user_staff_roles").values({ user_id: user.id, role: "agent" }).execute();
      await trx.insertInto("agents").values({ user_id: user.id, employee_code: `SIM-${runId}-${j}`, languages: ["fa", "en"], skills: [] }).execute();
      await trx.insertInto("agent_assignments").values(tenants.map((t) => ({ tenant_id: t.id, agent_id: user.id }))).execute();
      await trx.insertInto("agent_queue_assignments").values(queueIds.map((q) => ({ tenant_id: q.tenantId, queue_id: q.queueId, agent_id: user.id }))).execute();
      const token = generateSessionToken();
      await trx
        .insertInto("sessions")
        .values({ id: hashToken(token), user_id: user.id, expires_at: new Date(Date.now() + 86_400_000), two_factor_verified: true, user_agent: "npm run simulate" })
        .execute();
      agents.push({ id: user.id, email, token });
    }
    return { runId, tenants, agents };
  });
}

async function removeFixture(db: Kysely<DB>, fixture: Fixture) {
  await db.transaction().execute(async (trx) => {
    await sql`select set_config('app.scope', 'bureau', true)`.execute(trx);
    // Tenants first: their interactions point at the agents.
    await trx.deleteFrom("tenants").where("id", "in", fixture.tenants.map((t) => t.id)).execute();
    await trx.deleteFrom("users").where("id", "in", fixture.agents.map((a) => a.id)).execute();
  });
}

// ---------------------------------------------------------------------------------------------------
// TwiML, as little as the provider needs

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const unescapeXml = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

function parseTwiml(xml: string): XmlNode {
  const root: XmlNode = { name: "#root", attrs: {}, children: [], text: "" };
  const stack = [root];
  for (const m of xml.replace(/^<\?xml[^>]*\?>/, "").matchAll(/<(\/?)([A-Za-z]+)((?:\s+[A-Za-z]+="[^"]*")*)\s*(\/?)>|([^<]+)/g)) {
    const top = stack[stack.length - 1]!;
    if (m[5] !== undefined) {
      top.text += unescapeXml(m[5]);
      continue;
    }
    if (m[1]) {
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (m[3] ?? "").matchAll(/([A-Za-z]+)="([^"]*)"/g)) attrs[a[1]!] = unescapeXml(a[2]!);
    const node: XmlNode = { name: m[2]!, attrs, children: [], text: "" };
    top.children.push(node);
    if (!m[4]) stack.push(node);
  }
  const response = root.children[0];
  if (response?.name !== "Response") throw new Error(`not TwiML: ${xml.slice(0, 200)}`);
  return response;
}

// ---------------------------------------------------------------------------------------------------
// The run

interface Counters {
  placed: number;
  deliveries: number;
  redelivered: number;
  agentActions: number;
  overtaken: number;
  httpErrors: number;
  errorSamples: string[];
}

/** Turbo-stream (Remix single fetch) as far as an action's plain result needs: objects, arrays, primitives. */
function decodeSingleFetch(text: string): unknown {
  const line = text.split("\n")[0] ?? "";
  let values: unknown[];
  try {
    values = JSON.parse(line) as unknown[];
  } catch {
    return null;
  }
  const at = (i: number): unknown => {
    if (i < 0) return i === -7 ? undefined : null;
    const v = values[i];
    if (Array.isArray(v)) return typeof v[0] === "string" ? v : v.map((x) => at(x as number));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [values[Number(k.slice(1))] as string, at(x as number)]));
    return v;
  };
  return at(0);
}

class Run {
  readonly counters: Counters = { placed: 0, deliveries: 0, redelivered: 0, agentActions: 0, overtaken: 0, httpErrors: 0, errorSamples: [] };
  readonly calls = new Map<string, HttpCall>();
  readonly callers = new Set<Promise<void>>();
  stopping = false;
  /** A setup problem found mid-run (the signature refused): no point placing more calls. */
  fatal: SetupError | null = null;
  csrf = "";
  readonly numbers: string[];
  readonly timing = BRISK_TIMING;

  constructor(
    readonly cfg: Config,
    readonly db: Kysely<DB>,
    readonly fixture: Fixture,
    readonly rng: Rng,
  ) {
    this.numbers = callerNumbers(rng.fork("numbers"), 500);
  }

  error(what: string) {
    this.counters.httpErrors++;
    if (this.counters.errorSamples.length < 5) this.counters.errorSamples.push(what);
  }

  /** One provider request: signed over the public URL, sent to the server's real address. */
  async deliver(publicUrl: string, params: Record<string, string>): Promise<XmlNode | null> {
    if (!publicUrl.startsWith(this.cfg.publicBase)) throw new Error(`the server handed out a URL outside PUBLIC_BASE_URL (${this.cfg.publicBase}): ${publicUrl}`);
    const target = this.cfg.url + publicUrl.slice(this.cfg.publicBase.length);
    const send = async () => {
      this.counters.deliveries++;
      const res = await fetch(target, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", [TWILIO_SIGNATURE_HEADER]: computeTwilioSignature(this.cfg.token, publicUrl, params) },
        body: new URLSearchParams(params).toString(),
      });
      return { status: res.status, body: await res.text(), type: res.headers.get("content-type") ?? "" };
    };
    // A provider retry: the same request again, at the same time, as after a timeout on its side.
    const twice = this.rng.chance(this.cfg.retries);
    const [first, second] = await Promise.all([send(), twice ? send() : Promise.resolve(null)]);
    if (second) {
      this.counters.redelivered++;
      if (second.status !== first.status) this.error(`retry of ${new URL(target).pathname} answered ${second.status}, first ${first.status}`);
    }
    if (first.status === 403) throw (this.fatal = new SetupError(`The server refused the signature (403): its TWILIO_AUTH_TOKEN or PUBLIC_BASE_URL differs from this script's (${this.cfg.publicBase}).`));
    if (first.status !== 200) {
      this.error(`${new URL(target).pathname} answered ${first.status}: ${first.body.slice(0, 120)}`);
      return null;
    }
    if (!first.type.includes("xml")) return null;
    return parseTwiml(first.body);
  }

  async agentPost(agent: HttpAgent, fields: Record<string, string>): Promise<{ notice: string | null; error: string | null }> {
    this.counters.agentActions++;
    const body = new URLSearchParams({ csrf: this.csrf, ...fields });
    const res = await fetch(`${this.cfg.url}/agent.data?index`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", cookie: `hk_session=${agent.token}; hk_csrf=${this.csrf}; hk_lang=en` },
      body,
    });
    const text = await res.text();
    if (res.status !== 200) {
      this.error(`POST /agent ${fields.intent} answered ${res.status}: ${text.slice(0, 120)}`);
      return { notice: null, error: `http ${res.status}` };
    }
    const data = (decodeSingleFetch(text) as { data?: { notice?: string | null; error?: string | null; result?: { error?: unknown } } } | null)?.data;
    if (data?.error) this.counters.overtaken++;
    else if (!data?.notice) this.error(`POST /agent ${fields.intent}: ${JSON.stringify(data?.result?.error ?? text.slice(0, 120))}`);
    return { notice: data?.notice ?? null, error: data?.error ?? null };
  }

  async fetchCsrf() {
    const res = await fetch(`${this.cfg.url}/login`);
    await res.text();
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("hk_csrf="));
    if (!cookie) throw new SetupError(`GET ${this.cfg.url}/login set no CSRF cookie`);
    this.csrf = decodeURIComponent(cookie.slice("hk_csrf=".length).split(";")[0]!);
  }

  /** Where the call is in its IVR (a caller who listens knows which menu it hears). */
  async ivrNode(callSid: string): Promise<{ nodeId: string | null; state: string } | null> {
    const row = await sql<{ node_id: string | null; state: string }>`
      select ivr_state->>'nodeId' as node_id, state from interactions where provider = 'twilio' and provider_call_id = ${callSid}`.execute(this.db);
    const r = row.rows[0];
    return r ? { nodeId: r.node_id, state: r.state } : null;
  }
}

const ANSWERED = new Set(["connected", "on_hold", "wrap_up"]);

/** A sleep an agent's answer or hang-up can cut short. */
/** One provider call: places it, follows the TwiML, plays the caller. */
class HttpCall {
  readonly sid = `CA${randomBytes(16).toString("hex")}`;
  readonly alarm = new Alarm();
  readonly persona: CallerPersona;
  private gather: { action: string; numDigits: number; finishOnKey: string; timeout: number } | null = null;
  private offer: { action: string } | null = null;
  private queue: { action: string; waitUrl: string; since: number } | null = null;
  private record: { action: string } | null = null;
  private ended = false;
  private reachedQueue = false;
  answered = false;
  hangUpRequested = false;
  private readonly startedAt = Date.now();

  constructor(
    private readonly run: Run,
    private readonly to: string,
    private readonly from: string,
    private readonly rng: Rng,
    private readonly flow: Flow,
  ) {
    const p = callerPersona(rng, run.timing, ["fa", "en"]);
    // A cap, so the run ends within a few minutes of its last arrival.
    this.persona = { ...p, patienceSeconds: Math.min(p.patienceSeconds, 3 * run.timing.patienceMean) };
  }

  private params(extra: Record<string, string> = {}) {
    return {
      AccountSid: `AC${"0".repeat(32)}`,
      ApiVersion: "2010-04-01",
      CallSid: this.sid,
      CallStatus: this.queue ? "in-progress" : "ringing",
      Called: this.to,
      Caller: this.from,
      Direction: "inbound",
      From: this.from,
      To: this.to,
      ...extra,
    };
  }

  private async send(url: string, extra: Record<string, string> = {}) {
    const doc = await this.run.deliver(url, this.params(extra));
    if (doc) await this.follow(doc);
    else this.ended = true;
  }

  private async follow(doc: XmlNode) {
    this.gather = null;
    for (const verb of doc.children) {
      switch (verb.name) {
        case "Gather": {
          if (verb.attrs.actionOnEmptyResult === "true") {
            this.gather = { action: verb.attrs.action!, numDigits: Number(verb.attrs.numDigits ?? 1), finishOnKey: verb.attrs.finishOnKey ?? "", timeout: Number(verb.attrs.timeout ?? 5) };
            return;
          }
          // The callback offer plays over the hold music; the document goes on.
          this.offer = { action: verb.attrs.action! };
          continue;
        }
        case "Redirect":
          return this.send(verb.text.trim());
        case "Enqueue":
          this.queue = { action: verb.attrs.action!, waitUrl: verb.attrs.waitUrl!, since: Date.now() };
          return;
        case "Leave": {
          const q = this.queue;
          this.queue = null;
          this.offer = null;
          if (q) await this.send(q.action, { QueueResult: "leave", QueueTime: String(Math.round((Date.now() - q.since) / 1000)) });
          return;
        }
        case "Record":
          this.record = { action: verb.attrs.action! };
          return;
        case "Hangup":
        case "Dial":
          this.ended = true;
          return;
        default:
          continue;
      }
    }
  }

  async play() {
    const run = this.run;
    try {
      await this.send(`${run.cfg.publicBase}/webhooks/voice/incoming`);
      run.counters.placed++;
      run.calls.set(this.sid, this);
      while (!this.ended) {
        if (this.record) {
          const { afterSeconds } = callerMove(this.rng, this.persona, run.timing, { kind: "recording", maxSeconds: 60 }, { kind: "unknown" });
          await sleep(afterSeconds * 1000);
          const action = this.record.action;
          this.record = null;
          await this.send(action, { RecordingUrl: "", RecordingDuration: "0" });
        } else if (this.gather) {
          await this.answerPrompt(this.gather);
        } else if (this.queue) {
          await this.waitInQueue(this.queue);
        } else {
          // Nothing pending: the caller has heard everything.
          this.ended = true;
        }
      }
    } catch (err) {
      if (err instanceof SetupError) throw err;
      run.error(`call ${this.sid}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      run.calls.delete(this.sid);
      await this.statusCompleted().catch(() => {});
    }
  }

  private async answerPrompt(g: NonNullable<HttpCall["gather"]>) {
    const where = await this.run.ivrNode(this.sid);
    const prompt = promptInfo(this.flow, where?.nodeId ?? null);
    const expecting = { kind: "digits" as const, minDigits: 1, maxDigits: g.numDigits, finishOnKey: g.finishOnKey, timeoutSeconds: g.timeout };
    const { move, afterSeconds } = callerMove(this.rng, this.persona, this.run.timing, expecting, prompt);
    await sleep(afterSeconds * 1000);
    if (move.type === "digits") {
      // The provider leaves the finishing key out of Digits and names it apart.
      const finished = g.finishOnKey !== "" && move.digits.length > 1 && move.digits.endsWith(g.finishOnKey);
      await this.send(g.action, { Digits: finished ? move.digits.slice(0, -1) : move.digits, FinishedOnKey: finished ? g.finishOnKey : "" });
    }
    else if (move.type === "timeout") await this.send(g.action, { Digits: "" });
    else this.ended = true;
  }

  private async waitInQueue(q: NonNullable<HttpCall["queue"]>) {
    const run = this.run;
    if (!this.reachedQueue) this.reachedQueue = true;
    const waited = (Date.now() - q.since) / 1000;
    const where = await run.ivrNode(this.sid);
    if (where && ANSWERED.has(where.state)) return this.talk(q);
    const node = this.flow.nodes.find((n) => n.id === where?.nodeId);
    const callbackDigit = this.offer && node?.type === "queue" ? (node.callback?.digit ?? null) : null;
    const { move, afterSeconds } = callerMove(this.rng, this.persona, run.timing, { kind: "queue", callbackDigit, waitedSeconds: waited }, { kind: "unknown" }, { waitedSeconds: waited });
    if (move.type === "digits" && this.offer) {
      const offer = this.offer;
      this.offer = null;
      await sleep(afterSeconds * 1000);
      return this.send(offer.action, { Digits: move.digits });
    }
    this.offer = null;
    if (await this.watch(afterSeconds)) return this.talk(q);
    if (move.type === "queueTick") {
      const QueueTime = String(Math.round((Date.now() - q.since) / 1000));
      const doc = await run.deliver(q.waitUrl, this.params({ QueueSid: `QU${"1".repeat(32)}`, QueueTime, QueuePosition: "1", AvgQueueTime: QueueTime, CurrentQueueSize: "1" }));
      if (doc) await this.follow(doc);
      return;
    }
    // Out of patience: the provider reports the caller leaving the queue, then the call's end.
    const now = await run.ivrNode(this.sid);
    if (now && ANSWERED.has(now.state)) return this.talk(q);
    this.queue = null;
    await run.deliver(q.action, this.params({ QueueResult: "hangup", QueueTime: String(Math.round((Date.now() - q.since) / 1000)) }));
    this.ended = true;
  }

  /** Waits, looking at the call now and then; true once an agent has answered. */
  private async watch(seconds: number): Promise<boolean> {
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      await this.alarm.sleep(Math.min(1000, until - Date.now()));
      if (this.answered) return true;
      const where = await this.run.ivrNode(this.sid);
      if (where && ANSWERED.has(where.state)) return true;
      if (where && where.state !== "queued" && where.state !== "offered") return false;
    }
    return false;
  }

  /** Bridged to an agent: on the line until either side ends it, then the Enqueue action says "bridged". */
  private async talk(q: NonNullable<HttpCall["queue"]>) {
    this.answered = true;
    const longest = Date.now() + 10 * 60_000;
    while (!this.hangUpRequested && Date.now() < longest) {
      await this.alarm.sleep(2000);
      const where = await this.run.ivrNode(this.sid);
      if (!where || (where.state !== "connected" && where.state !== "on_hold")) break;
    }
    this.queue = null;
    await this.run.deliver(q.action, this.params({ QueueResult: "bridged", QueueTime: String(Math.round((Date.now() - q.since) / 1000)) }));
    this.ended = true;
  }

  private async statusCompleted() {
    await this.run.deliver(`${this.run.cfg.publicBase}/webhooks/voice/status`, this.params({ CallStatus: "completed", CallDuration: String(Math.round((Date.now() - this.startedAt) / 1000)) }));
  }

  requestHangUp() {
    this.hangUpRequested = true;
    this.alarm.ring();
  }
}

interface AgentRow {
  agent_id: string;
  state: string;
  contact_id: string | null;
  contact_tenant_id: string | null;
  provider_call_id: string | null;
}

/** One agent at the desktop: the same decisions as the in-process bots, made through HTTP. */
class HttpAgent {
  private busy = false;
  offline = false;
  private plan: ContactPlan | null = null;
  private ringing: { contactId: string; dueAt: number } | null = null;
  private talking: { contactId: string; since: number; heldAt: number | null; endAskedAt: number | null } | null = null;
  private wrapping: { contactId: string; dueAt: number } | null = null;
  private breakUntil: number | null = null;
  private breakPending: ContactPlan["breakAfter"] = null;
  acting: Promise<void> = Promise.resolve();

  constructor(
    private readonly run: Run,
    readonly id: string,
    readonly token: string,
    private readonly rng: Rng,
  ) {}

  observe(row: AgentRow, now: number) {
    if (this.busy) return;
    this.offline = row.state === "offline" && this.run.stopping;
    this.busy = true;
    this.acting = this.act(row, now)
      .catch((err: unknown) => this.run.error(`agent ${this.id}: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.busy = false;
      });
  }

  private post(fields: Record<string, string>) {
    return this.run.agentPost(this, fields);
  }

  private async act(row: AgentRow, now: number) {
    const stopping = this.run.stopping;
    switch (row.state) {
      case "offline":
        if (!stopping) await this.post({ intent: "available" });
        return;
      case "missed":
        await this.post({ intent: stopping ? "offline" : "available" });
        return;
      case "available":
        if (stopping) await this.post({ intent: "offline" });
        else if (this.breakPending) {
          const { reason, seconds } = this.breakPending;
          this.breakPending = null;
          if ((await this.post({ intent: "break", reason })).notice) this.breakUntil = now + seconds * 1000;
        }
        return;
      case "break":
        if (stopping) await this.post({ intent: "offline" });
        else if (now >= (this.breakUntil ?? 0)) {
          this.breakUntil = null;
          await this.post({ intent: "available" });
        }
        return;
      case "offered": {
        if (!row.contact_id) return;
        if (stopping) {
          await this.post({ intent: "reject", contactId: row.contact_id });
          return;
        }
        if (this.ringing?.contactId !== row.contact_id) {
          this.plan = contactPlan(this.rng, this.run.timing);
          this.ringing = { contactId: row.contact_id, dueAt: now + this.plan.ringSeconds * 1000 };
        }
        if (now < this.ringing.dueAt) return;
        this.ringing = null;
        const accepted = await this.post({ intent: "accept", contactId: row.contact_id });
        if (accepted.notice) {
          this.talking = { contactId: row.contact_id, since: Date.now(), heldAt: null, endAskedAt: null };
          if (row.provider_call_id) this.run.calls.get(row.provider_call_id)?.alarm.ring();
        }
        return;
      }
      case "busy":
      case "on_hold": {
        if (!row.contact_id) return;
        if (this.talking?.contactId !== row.contact_id) {
          this.plan = contactPlan(this.rng, this.run.timing);
          this.talking = { contactId: row.contact_id, since: now, heldAt: null, endAskedAt: null };
        }
        const plan = this.plan!;
        const t = this.talking;
        const elapsed = (now - t.since) / 1000;
        if (!stopping && elapsed < plan.talkSeconds) {
          if (row.state === "busy" && plan.hold && t.heldAt === null && elapsed >= plan.hold.atSeconds) {
            if ((await this.post({ intent: "hold" })).notice) t.heldAt = now;
          } else if (row.state === "on_hold" && (t.heldAt === null || now - t.heldAt >= (plan.hold?.seconds ?? 0) * 1000)) {
            await this.post({ intent: "resume" });
          }
          return;
        }
        const call = row.provider_call_id ? this.run.calls.get(row.provider_call_id) : undefined;
        if (!stopping && plan.endedBy === "caller" && call && (t.endAskedAt === null || now - t.endAskedAt < 5000)) {
          if (t.endAskedAt === null) {
            t.endAskedAt = now;
            call.requestHangUp();
          }
          return;
        }
        await this.post({ intent: "end" });
        call?.requestHangUp();
        return;
      }
      case "wrap_up": {
        if (!row.contact_id || !row.contact_tenant_id) return;
        if (this.wrapping?.contactId !== row.contact_id) {
          this.wrapping = { contactId: row.contact_id, dueAt: now + (this.plan?.wrapSeconds ?? 1) * 1000 };
        }
        if (!stopping && now < this.wrapping.dueAt) return;
        const tenant = this.run.fixture.tenants.find((x) => x.id === row.contact_tenant_id);
        const disposition = tenant ? pickDisposition(this.rng, tenant.dispositions) : null;
        if (!disposition) {
          this.run.error(`agent ${this.id}: no disposition for tenant ${row.contact_tenant_id}`);
          return;
        }
        const done = await this.post({ intent: "wrapup", dispositionId: disposition.id, notes: this.plan?.note ?? "" });
        if (done.notice) {
          this.breakPending = this.plan?.breakAfter ?? null;
          this.wrapping = null;
          this.talking = null;
          this.plan = null;
        }
        return;
      }
      default:
        return;
    }
  }
}

async function agentRows(db: Kysely<DB>, ids: string[]): Promise<AgentRow[]> {
  const rows = await sql<AgentRow>`
    select s.agent_id, s.state, s.contact_id, s.contact_tenant_id, i.provider_call_id
    from agent_states s
    left join routing_contacts rc on rc.tenant_id = s.contact_tenant_id and rc.id = s.contact_id
    left join interactions i on i.tenant_id = rc.tenant_id and i.id = rc.interaction_id
    where s.agent_id = any(${ids}::uuid[])`.execute(db);
  const byId = new Map(rows.rows.map((r) => [r.agent_id, r]));
  return ids.map((id) => byId.get(id) ?? { agent_id: id, state: "offline", contact_id: null, contact_tenant_id: null, provider_call_id: null });
}

/** Contacts still routed, callbacks due, agents still holding something: the ACD has not settled. */
async function unsettled(db: Kysely<DB>, fixture: Fixture): Promise<number> {
  const tenantIds = fixture.tenants.map((t) => t.id);
  const r = await sql<{ n: number }>`
    select (select count(*) from routing_contacts where tenant_id = any(${tenantIds}::uuid[]) and status in ('waiting', 'offered', 'connected'))
         + (select count(*) from callback_tasks where tenant_id = any(${tenantIds}::uuid[]) and status = 'open' and due_at <= now())
         + (select count(*) from agent_states where agent_id = any(${fixture.agents.map((a) => a.id)}::uuid[]) and state in ('offered', 'busy', 'on_hold', 'wrap_up')) as n`.execute(db);
  return Number(r.rows[0]!.n);
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** The run; resolves to the exit code (0 ok, 1 lost/duplicated/failed requests, 2 could not run). */
export async function simulate(args: string[]): Promise<number> {
  let cfg: Config;
  try {
    loadDotenvFile();
    cfg = config(args);
    await checkServer(cfg);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    return 2;
  }
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: cfg.ownerUrl, max: 6 }) }) });
  let fixture: Fixture | null = null;
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.once("SIGINT", onSignal);
  try {
    fixture = await createFixture(db, cfg);
    const rng = createRng(cfg.seed);
    const run = new Run(cfg, db, fixture, rng);
    await run.fetchCsrf();
    console.log(
      `Simulating ${cfg.tenants} tenant(s), ${cfg.agents} agent(s), ${cfg.callsPerMinute} calls/min for ${cfg.minutes} min against ${cfg.url} (run ${fixture.runId}, seed ${cfg.seed})`,
    );

    // Agents: read their live states often, act through the desktop.
    const agents = fixture.agents.map((a) => new HttpAgent(run, a.id, a.token, rng.fork(`agent-${a.email}`)));
    let polling = true;
    const poller = (async () => {
      while (polling) {
        try {
          const rows = await agentRows(db, agents.map((a) => a.id));
          const now = Date.now();
          rows.forEach((row, i) => agents[i]!.observe(row, now));
        } catch (err) {
          run.error(`reading the agents' states: ${err instanceof Error ? err.message : String(err)}`);
        }
        await sleep(250);
      }
    })();

    // Callers: each tenant's own Poisson stream.
    const started = Date.now();
    const until = started + cfg.minutes * 60_000;
    const streams = fixture.tenants.map((t) => {
      const trng = rng.fork(`tenant-${t.slug}`);
      const { rate, max } = tenantRate(cfg.callsPerMinute, cfg.tenants, null);
      return { t, trng, rate, max, next: nextArrival(trng, started, rate, max, until) };
    });
    let lastReport = started;
    for (;;) {
      const due = streams.filter((s) => s.next !== null).sort((a, b) => a.next! - b.next!)[0];
      if (!due || interrupted || run.fatal) break;
      await sleep(due.next! - Date.now());
      const call = new HttpCall(run, due.t.e164, rng.pick(run.numbers), due.trng.fork(`call-${due.next}`), operatorFlow);
      const p = call.play();
      run.callers.add(p);
      void p.catch(() => {}).finally(() => run.callers.delete(p));
      due.next = nextArrival(due.trng, due.next!, due.rate, due.max, until);
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        console.log(`  ${Math.round((Date.now() - started) / 1000)} s: ${run.counters.placed} calls placed, ${run.calls.size} live`);
      }
    }
    console.log(`Arrivals over after ${Math.round((Date.now() - started) / 1000)} s; waiting for the last calls and the ACD to settle…`);
    await Promise.allSettled([...run.callers]);
    if (run.fatal) throw run.fatal;
    const settleBy = Date.now() + 120_000;
    while ((await unsettled(db, fixture)) > 0 && Date.now() < settleBy && !interrupted) await sleep(500);
    // The workers' sweep runs every second: two more rounds for anything a lock made it skip.
    await sleep(2000);

    const audit = await auditRouting(db, fixture.tenants.map((t) => t.id));
    const waits = await sql<{ s: number }>`
      select extract(epoch from connected_at - enqueued_at)::float8 as s from routing_contacts
      where tenant_id = any(${fixture.tenants.map((t) => t.id)}::uuid[]) and connected_at is not null order by 1`.execute(db);
    const asa = waits.rows.map((r) => Number(r.s));

    run.stopping = true;
    const offBy = Date.now() + 10_000;
    while (!agents.every((a) => a.offline) && Date.now() < offBy) await sleep(200);
    polling = false;
    await poller;
    await Promise.allSettled(agents.map((a) => a.acting));

    const c = run.counters;
    const rows: [string, string | number][] = [
      ["calls placed", audit.placed],
      ["reached a queue", audit.reachedQueue],
      ["offered", audit.offered],
      ["answered", audit.answered],
      ["abandoned", audit.abandoned],
      ["left the queue (callback, overflow)", audit.overflowed],
      ["disposed", audit.disposed],
      ["lost", audit.lost],
      ["duplicated", audit.duplicated],
    ];
    console.log();
    for (const [label, value] of rows) console.log(`  ${label.padEnd(38)} ${String(value).padStart(6)}`);
    console.log(
      `  ${"wait to answer p50 / p95 / max".padEnd(38)} ${`${quantile(asa, 0.5).toFixed(1)} / ${quantile(asa, 0.95).toFixed(1)} / ${(asa.at(-1) ?? NaN).toFixed(1)} s`.padStart(6)}`,
    );
    console.log(
      `  webhook deliveries ${c.deliveries} (${c.redelivered} sent twice), agent actions ${c.agentActions} (${c.overtaken} overtaken by the caller or the ACD), HTTP errors ${c.httpErrors}`,
    );
    for (const sample of c.errorSamples) console.log(`    error: ${sample}`);
    for (const f of [...audit.findings.lost, ...audit.findings.duplicated].slice(0, 10)) console.log(`    ${f.interactionId ?? f.agentId}: ${f.why}`);
    if (c.placed !== audit.placed) console.log(`    note: ${c.placed} incoming webhooks answered, ${audit.placed} calls recorded`);
    const ok = audit.lost === 0 && audit.duplicated === 0 && c.httpErrors === 0 && !interrupted;
    console.log(ok ? "\nOK: nothing lost, nothing duplicated." : "\nFAILED: see above.");
    return ok ? 0 : 1;
  } catch (err) {
    console.error(err instanceof SetupError ? err.message : err);
    return err instanceof SetupError ? 2 : 1;
  } finally {
    process.removeListener("SIGINT", onSignal);
    if (fixture && !cfg.keep) {
      await removeFixture(db, fixture).catch((err: unknown) => console.error(`Could not remove the fixture sim-${fixture!.runId}-*: ${err instanceof Error ? err.message : err}`));
    } else if (fixture) console.log(`Kept the fixture: tenants sim-${fixture.runId}-*, agents sim-${fixture.runId}-agent*@simulate.hamkal.test`);
    await db.destroy();
  }
}

// npm run simulate (also runs as `npm run bench -- simulate ...`)
const invokedDirectly = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) process.exit(await simulate(process.argv.slice(2)));

/** `npm run bench -- simulate ...`: the runner awaits this and leaves the exit code to it. */
export default async function simulateBench(args: string[]) {
  process.exitCode = await simulate(args);
}
