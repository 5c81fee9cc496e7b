import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "~/modules/platform/env.server";
import { loader as incomingLoader } from "~/routes/webhooks.voice.incoming";
import { loader as statusLoader } from "~/routes/webhooks.voice.status";
import { loader as stepLoader } from "~/routes/webhooks.voice.step";
import { loader as waitLoader } from "~/routes/webhooks.voice.wait";
import { deliver, newCallSid, PUBLIC_BASE, randomNumber } from "./voice.helpers";

const ENV_KEYS = ["TWILIO_AUTH_TOKEN", "TWILIO_ACCOUNT_SID", "TELEPHONY_PROVIDER", "PUBLIC_BASE_URL"] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

beforeAll(() => {
  // The simulator deployment: no auth token, so the TwiML webhooks do not exist.
  for (const k of ENV_KEYS) delete process.env[k];
  process.env.TELEPHONY_PROVIDER = "simulator";
  process.env.PUBLIC_BASE_URL = PUBLIC_BASE;
  resetEnvCache();
});

afterAll(() => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  resetEnvCache();
});

describe("voice webhooks without TWILIO_AUTH_TOKEN", () => {
  it("answer 404 to every request, signed or not, POST or GET", async () => {
    const CallSid = newCallSid();
    const params = { CallSid, To: randomNumber(), From: "+989121234567", CallStatus: "completed", Digits: "1", QueueTime: "0" };
    for (const path of [
      "/webhooks/voice/incoming",
      `/webhooks/voice/step?CallSid=${CallSid}&kind=gather&seq=1`,
      `/webhooks/voice/wait?CallSid=${CallSid}&seq=1`,
      "/webhooks/voice/status",
    ]) {
      for (const signing of ["valid", "missing"] as const) {
        const answer = await deliver({ url: `${PUBLIC_BASE}${path}`, params, signing });
        expect(answer.status, `${path} ${signing}`).toBe(404);
      }
    }
    for (const loader of [incomingLoader, stepLoader, waitLoader, statusLoader]) expect(loader().status).toBe(404);
  });
});
