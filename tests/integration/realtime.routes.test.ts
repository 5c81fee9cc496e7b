import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { publish } from "~/modules/realtime/bus.server";
import { agentChannel, FLOOR, tenantChannel, type AgentStateEvent, type QueueStatsEvent } from "~/modules/realtime/channels";
import { setSnapshotProvider } from "~/modules/realtime/snapshots.server";
import { closeRealtime } from "~/modules/realtime/sse.server";
import { loader as agentEvents } from "~/routes/events.agent";
import { loader as floorEvents } from "~/routes/events.floor";
import { loader as tenantEvents } from "~/routes/events.t.$slug";
import { makeTenant, makeUser } from "../setup/factories";
import { args, signIn, thrownStatus } from "./portal.helpers";
import { readEvents } from "./realtime.helpers";

/** The SSE routes through their loaders, on the process hub and the app's Redis, as in production. */
type Tenant = Awaited<ReturnType<typeof makeTenant>>;
let a: Tenant;
let b: Tenant;
let agentId: string;
let otherAgentId: string;
const cookies: Record<"agent" | "leader" | "adminA" | "viewerA", string> = { agent: "", leader: "", adminA: "", viewerA: "" };

const aborts: AbortController[] = [];
function request(path: string, cookie?: string) {
  const abort = new AbortController();
  aborts.push(abort);
  return new Request(`http://localhost${path}`, { headers: cookie ? { cookie, accept: "text/event-stream" } : {}, signal: abort.signal });
}
afterEach(() => {
  for (const abort of aborts.splice(0)) abort.abort();
  setSnapshotProvider("agent", null);
});

beforeAll(async () => {
  a = await makeTenant();
  b = await makeTenant();
  const agent = await makeUser({ staffRoles: ["agent"] });
  agentId = agent.id;
  otherAgentId = (await makeUser({ staffRoles: ["agent"] })).id;
  cookies.agent = await signIn(agent.id);
  cookies.leader = await signIn((await makeUser({ staffRoles: ["team_leader"] })).id);
  cookies.adminA = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_admin" }] })).id);
  cookies.viewerA = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_viewer" }] })).id);
});
afterAll(() => closeRealtime());

const now = () => new Date().toISOString();
const agentState = (id: string, state: AgentStateEvent["state"]): AgentStateEvent => ({ type: "agent.state", at: now(), agentId: id, state, since: now() });
const queueStats = (tenantId: string, waiting: number): QueueStatsEvent => ({
  type: "queue.stats",
  at: now(),
  tenantId,
  queueId: "q-main",
  waiting,
  longestWaitSeconds: 12,
  agentsAvailable: 3,
  agentsBusy: 4,
  serviceLevel: 90,
  abandonRate: 1.5,
});

async function opened(p: Promise<Response>) {
  const response = await p;
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const stream = readEvents(response);
  await stream.until(() => stream.comments().includes("ready"), "the stream to be live");
  return stream;
}

describe("GET /events/agent", () => {
  it("streams the signed-in agent's own channel and nobody else's", async () => {
    const stream = await opened(agentEvents(args(request("/events/agent", cookies.agent))));
    await publish(agentChannel(otherAgentId), agentState(otherAgentId, "busy"));
    await publish(agentChannel(agentId), agentState(agentId, "offered"));
    await stream.until(() => stream.messages().length >= 1, "the agent's event");
    await new Promise((r) => setTimeout(r, 30));
    expect(stream.events()).toEqual([expect.objectContaining({ type: "agent.state", agentId, state: "offered" })]);
  });

  it("starts with the snapshot a module registered", async () => {
    setSnapshotProvider("agent", async ({ auth }) => [agentState(auth.user.id, "break")]);
    const stream = await opened(agentEvents(args(request("/events/agent", cookies.agent))));
    expect(stream.events()).toEqual([expect.objectContaining({ type: "agent.state", agentId, state: "break" })]);
  });

  it("sends a visitor without a session to the login page and refuses client users", async () => {
    expect(await thrownStatus(agentEvents(args(request("/events/agent"))))).toBe(302);
    expect(await thrownStatus(agentEvents(args(request("/events/agent", cookies.adminA))))).toBe(403);
  });
});

describe("GET /events/floor", () => {
  it("is refused to an agent (403)", async () => {
    expect(await thrownStatus(floorEvents(args(request("/events/floor", cookies.agent))))).toBe(403);
  });

  it("streams floor events to a team leader", async () => {
    const stream = await opened(floorEvents(args(request("/events/floor", cookies.leader))));
    await publish(FLOOR, queueStats(a.id, 5));
    await publish(FLOOR, { type: "floor.agent", at: now(), agentId, state: "busy", since: now(), tenantId: a.id });
    // The floor is shared: other test files of this run may publish to it too.
    const mine = () => stream.events().filter((e) => e.tenantId === a.id || e.agentId === agentId);
    await stream.until(() => mine().length === 2, "two floor events");
    expect(mine().map((e) => e.type)).toEqual(["queue.stats", "floor.agent"]);
  });
});

describe("GET /events/t/$slug", () => {
  it("streams the tenant's own queue stats to its client admin", async () => {
    const stream = await opened(tenantEvents(args(request(`/events/t/${a.slug}`, cookies.adminA), { slug: a.slug })));
    await publish(tenantChannel(b.id), queueStats(b.id, 9));
    await publish(tenantChannel(a.id), queueStats(a.id, 2));
    await stream.until(() => stream.messages().length >= 1, "tenant A's stats");
    await new Promise((r) => setTimeout(r, 30));
    expect(stream.events()).toEqual([expect.objectContaining({ type: "queue.stats", tenantId: a.id, waiting: 2 })]);
  });

  it("answers 404 for another tenant's slug and 403 to a viewer without the live view", async () => {
    expect(await thrownStatus(tenantEvents(args(request(`/events/t/${b.slug}`, cookies.adminA), { slug: b.slug })))).toBe(404);
    expect(await thrownStatus(tenantEvents(args(request("/events/t/nope", cookies.adminA), { slug: "nope" })))).toBe(404);
    expect(await thrownStatus(tenantEvents(args(request(`/events/t/${a.slug}`, cookies.viewerA), { slug: a.slug })))).toBe(403);
  });

  it("is open to bureau staff with the live view", async () => {
    await opened(tenantEvents(args(request(`/events/t/${a.slug}`, cookies.leader), { slug: a.slug })));
  });
});
