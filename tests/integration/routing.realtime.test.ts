import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createHub, realtimePrefix, type Delivery, type Hub } from "~/modules/realtime/bus.server";
import { agentChannel, FLOOR, tenantChannel } from "~/modules/realtime/channels";
import { acceptOffer, enqueue } from "~/modules/routing/acd.server";
import { waitFor } from "./realtime.helpers";
import { makeAgent, makeCall, makeQueue, makeTenant, owner } from "./routing.helpers";

/** Routing's commits reach another process's subscribers: a hub here stands for the web process. */
const hubs: Hub[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});
afterAll(() => owner.destroy());

describe("routing pushes", () => {
  it("rings the agent's desktop, moves the floor and the tenant's live view", async () => {
    const t = await makeTenant();
    const q = await makeQueue(t.id, { key: "general" });
    const agent = await makeAgent([q]);
    const hub = createHub({ url: process.env.REDIS_URL!, prefix: realtimePrefix() });
    hubs.push(hub);
    const mine: Delivery[] = [];
    const floor: Delivery[] = [];
    const tenant: Delivery[] = [];
    const subs = [
      hub.subscribe([agentChannel(agent.id)], (d) => mine.push(d)),
      hub.subscribe([FLOOR], (d) => floor.push(d)),
      hub.subscribe([tenantChannel(t.id)], (d) => tenant.push(d)),
    ];
    await Promise.all(subs.map((s) => s.ready));

    const call = await makeCall(t.id);
    const { contactId } = await enqueue({ tenantId: t.id, interactionId: call.id, queueKey: "general" });
    await waitFor(() => mine.some((d) => d.event.type === "offer.new"), "offer on the desktop");
    expect(mine.find((d) => d.event.type === "offer.new")!.event).toMatchObject({ offerId: contactId, tenantId: t.id, interactionId: call.id });
    await waitFor(() => tenant.some((d) => d.event.type === "queue.stats"), "queue stats for the tenant");

    await acceptOffer(agent.id, contactId);
    await waitFor(() => mine.some((d) => d.event.type === "agent.state" && d.event.state === "busy"), "busy on the desktop");
    await waitFor(() => floor.some((d) => d.event.type === "floor.agent" && d.event.agentId === agent.id && d.event.state === "busy"), "busy on the floor");
  });
});
