import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "~/modules/platform/env.server";
import { sql } from "kysely";
import { acceptOffer, enqueue } from "~/modules/routing/acd.server";
import { overflowDue } from "~/modules/routing/sweep.server";
import { connectAccepted } from "~/modules/telephony/call-control.server";
import { createTwilioClient } from "~/modules/telephony/twilio-client.server";
import { ACCOUNT_SID, AUTH_TOKEN, deliver, PUBLIC_BASE } from "./voice.helpers";
import { makeAgent, makeQueue, makeTenant, owner } from "./routing.helpers";

/** A local stand-in for the provider's REST API that records what it was asked to do. */
const seen: { path: string; form: URLSearchParams }[] = [];
let baseUrl = "";
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    seen.push({ path, form });
    const sid = path.endsWith("/Calls.json") ? `CA${"ab".repeat(16)}` : (path.match(/Calls\/(CA[0-9a-f]{32})\.json$/)?.[1] ?? "");
    res.writeHead(path.endsWith("/Calls.json") ? 201 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify({ sid, status: "queued", to: form.get("To"), from: form.get("From"), direction: "outbound-api", parent_call_sid: null }));
  });
});

const ENV_KEYS = ["TWILIO_AUTH_TOKEN", "TWILIO_ACCOUNT_SID", "PUBLIC_BASE_URL", "TWILIO_API_BASE_URL"] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.TWILIO_AUTH_TOKEN = AUTH_TOKEN;
  process.env.TWILIO_ACCOUNT_SID = ACCOUNT_SID;
  process.env.PUBLIC_BASE_URL = PUBLIC_BASE;
  process.env.TWILIO_API_BASE_URL = baseUrl;
  resetEnvCache();
});
afterAll(async () => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  resetEnvCache();
  await new Promise((resolve) => server.close(resolve));
  await owner.destroy();
});

let sids = 0;
const callSid = () => `CA${(++sids).toString(16).padStart(2, "0").repeat(16)}`;
const client = () => createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl });

async function acceptedCall(opts: { provider: "twilio" | "simulator"; direction?: "inbound" | "outbound"; endpoint?: string | null }) {
  const t = await makeTenant();
  const q = await makeQueue(t.id, { key: "general" });
  const number = await owner.insertInto("tenant_phone_numbers").values({ tenant_id: t.id, e164: `+98217${String(Date.now() % 10_000_000).padStart(7, "0")}` }).returning(["id", "e164"]).executeTakeFirstOrThrow();
  const agent = await makeAgent([q]);
  if (opts.endpoint !== undefined) await owner.updateTable("agents").set({ endpoint: opts.endpoint }).where("user_id", "=", agent.id).execute();
  const inbound = (opts.direction ?? "inbound") === "inbound";
  const call = await owner
    .insertInto("interactions")
    .values({
      tenant_id: t.id,
      direction: inbound ? "inbound" : "outbound",
      state: "ivr",
      provider: opts.provider,
      provider_call_id: inbound && opts.provider === "twilio" ? callSid() : null,
      from_number: inbound ? "+989121234567" : null,
      to_number: inbound ? number.e164 : "+989121234567",
      phone_number_id: number.id,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const { contactId } = await enqueue({ tenantId: t.id, interactionId: call.id, queueKey: "general" });
  const accepted = await acceptOffer(agent.id, contactId);
  return { t, agent, call, accepted, number };
}

const events = async (id: string) => (await owner.selectFrom("interaction_events").select(["type", "data"]).where("interaction_id", "=", id).orderBy("seq").execute()).map((e) => e.type);

describe("connecting accepted calls through the provider", () => {
  it("bridges a waiting inbound call to the agent's SIP endpoint with a Dial", async () => {
    const { agent, call, accepted, number } = await acceptedCall({ provider: "twilio", endpoint: "sip:agent@pbx.hamkal.example" });
    seen.length = 0;
    expect(await connectAccepted(accepted, agent.id, client())).toBe("bridged");
    expect(seen).toHaveLength(1);
    const sid = (await owner.selectFrom("interactions").select("provider_call_id").where("id", "=", call.id).executeTakeFirstOrThrow()).provider_call_id;
    expect(seen[0]!.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${sid}.json`);
    const twiml = seen[0]!.form.get("Twiml")!;
    expect(twiml).toContain("<Dial");
    expect(twiml).toContain(`callerId="${number.e164}"`);
    expect(twiml).toContain("<Sip>sip:agent@pbx.hamkal.example</Sip>");
    expect(await events(call.id)).toContain("call.bridged");
  });

  it("places a callback to the customer and connects it to the agent through the signed connect webhook", async () => {
    const { t, agent, call, accepted, number } = await acceptedCall({ provider: "simulator", direction: "outbound", endpoint: "client:agent07" });
    // A callback queued by the ACD is an outbound interaction without a provider call yet.
    await owner.updateTable("interactions").set({ provider: "twilio" }).where("id", "=", call.id).execute();
    seen.length = 0;
    expect(await connectAccepted(accepted, agent.id, client())).toBe("dialing");
    expect(seen[0]!.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`);
    expect(seen[0]!.form.get("To")).toBe("+989121234567");
    expect(seen[0]!.form.get("From")).toBe(number.e164);
    const url = seen[0]!.form.get("Url")!;
    expect(url).toBe(`${PUBLIC_BASE}/webhooks/voice/connect?tenant=${t.id}&interaction=${call.id}`);
    const stored = await owner.selectFrom("interactions").select(["provider_call_id"]).where("id", "=", call.id).executeTakeFirstOrThrow();
    expect(stored.provider_call_id).toBe(`CA${"ab".repeat(16)}`);

    // The provider fetches that URL when the customer answers: a signed request gets the agent's Dial.
    const answer = await deliver({ url, params: { CallSid: stored.provider_call_id!, CallStatus: "in-progress" }, signing: "valid" });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain("<Client>agent07</Client>");
    const forged = await deliver({ url, params: { CallSid: stored.provider_call_id!, CallStatus: "in-progress" }, signing: "bad" });
    expect(forged.status).toBe(403);
  });

  it("records a failed bridge when the agent has no endpoint, and connects simulated calls in the platform", async () => {
    const noEndpoint = await acceptedCall({ provider: "twilio", endpoint: null });
    seen.length = 0;
    expect(await connectAccepted(noEndpoint.accepted, noEndpoint.agent.id, client())).toBe("noEndpoint");
    expect(seen).toHaveLength(0);
    expect(await events(noEndpoint.call.id)).toContain("call.bridgeFailed");
    const simulated = await acceptedCall({ provider: "simulator" });
    expect(await connectAccepted(simulated.accepted, simulated.agent.id, client())).toBe("simulated");
  });

  it("moves a caller the queue overflowed: dialled to the external number, or told about the callback and hung up", async () => {
    for (const action of ["external", "callback"] as const) {
      const t = await makeTenant();
      await owner
        .insertInto("queues")
        .values({ tenant_id: t.id, key: "main", name: "Main", max_wait_seconds: 30, overflow_action: action, overflow_number: action === "external" ? "+982188776655" : null })
        .execute();
      const sid = callSid();
      const call = await owner
        .insertInto("interactions")
        .values({ tenant_id: t.id, direction: "inbound", state: "ivr", provider: "twilio", provider_call_id: sid, from_number: "+989121234567", language: "fa" })
        .returning("id")
        .executeTakeFirstOrThrow();
      const { contactId } = await enqueue({ tenantId: t.id, interactionId: call.id, queueKey: "main" });
      await owner.updateTable("routing_contacts").set({ enqueued_at: sql`now() - interval '31 seconds'` }).where("id", "=", contactId).execute();
      seen.length = 0;
      await overflowDue(100, { tenantIds: [t.id] });
      const update = seen.find((x) => x.path.endsWith(`/Calls/${sid}.json`));
      expect(update, `${action}: the live call was updated`).toBeDefined();
      const twiml = update!.form.get("Twiml")!;
      if (action === "external") expect(twiml).toContain("<Number>+982188776655</Number>");
      else {
        expect(twiml).toContain("<Hangup/>");
        expect(twiml).toContain("تماس می‌گیریم");
      }
      expect(await events(call.id)).toContain("call.redirected");
    }
  });
});
