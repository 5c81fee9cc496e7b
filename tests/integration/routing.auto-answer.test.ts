import { afterAll, describe, expect, it } from "vitest";
import { enqueue } from "~/modules/routing/acd.server";
import { agentState, contactRow, makeAgent, makeCall, makeQueue, makeTenant, owner } from "./routing.helpers";

afterAll(() => owner.destroy());

async function eventually(check: () => Promise<boolean>, what: string, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("auto-answer", () => {
  it("connects an offer to an auto-answer agent at once, and leaves other agents ringing", async () => {
    const t = await makeTenant();
    const q = await makeQueue(t.id, { key: "general" });
    const auto = await makeAgent([q], { idleSecondsAgo: 600 });
    await owner.updateTable("agents").set({ auto_answer: true }).where("user_id", "=", auto.id).execute();
    const manual = await makeAgent([q], { idleSecondsAgo: 10 });

    const first = await enqueue({ tenantId: t.id, interactionId: (await makeCall(t.id)).id, queueKey: "general" });
    expect(first.offer?.agentId).toBe(auto.id);
    await eventually(async () => (await agentState(auto.id)).state === "busy", "auto-answer agent busy");
    expect((await contactRow(first.contactId)).status).toBe("connected");

    const second = await enqueue({ tenantId: t.id, interactionId: (await makeCall(t.id)).id, queueKey: "general" });
    expect(second.offer?.agentId).toBe(manual.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await agentState(manual.id)).state).toBe("offered");
  });
});
