import { describe, expect, it } from "vitest";
import { isProviderEndStatus, stateAfterIvrStep, stateOnProviderEnd } from "~/modules/interactions/states";

describe("stateAfterIvrStep", () => {
  const ivr = (status: "running" | "queued" | "transferred" | "voicemail" | "ended", callerHungUp = false) => ({ status, callerHungUp });

  it("keeps a call in the IVR while it runs or records a voicemail", () => {
    expect(stateAfterIvrStep("ivr", ivr("running"), [])).toBe("ivr");
    expect(stateAfterIvrStep("ivr", ivr("voicemail"), [])).toBe("ivr");
  });

  it("moves to queued on enqueue and back to ivr on overflow", () => {
    expect(stateAfterIvrStep("ivr", ivr("queued"), [])).toBe("queued");
    expect(stateAfterIvrStep("queued", ivr("running"), [{ type: "leaveQueue" }])).toBe("ivr");
  });

  it("completes on an IVR hang-up or a transfer, fails on an interpreter error", () => {
    expect(stateAfterIvrStep("ivr", ivr("ended"), [{ type: "hangup", reason: "completed" }])).toBe("completed");
    expect(stateAfterIvrStep("queued", ivr("ended"), [{ type: "hangup", reason: "callback" }])).toBe("completed");
    expect(stateAfterIvrStep("ivr", ivr("transferred"), [{ type: "dial", number: "+982100000000" }])).toBe("completed");
    expect(stateAfterIvrStep("ivr", ivr("ended"), [{ type: "hangup", reason: "error" }])).toBe("failed");
  });

  it("counts a caller hanging up in a queue as abandoned, in the menus as completed", () => {
    expect(stateAfterIvrStep("queued", ivr("ended", true), [])).toBe("abandoned");
    expect(stateAfterIvrStep("ivr", ivr("ended", true), [])).toBe("completed");
  });

  it("never leaves a terminal state and leaves agent states to routing", () => {
    expect(stateAfterIvrStep("abandoned", ivr("running"), [])).toBe("abandoned");
    expect(stateAfterIvrStep("connected", ivr("ended", true), [])).toBe("connected");
  });
});

describe("stateOnProviderEnd", () => {
  it("maps a finished line by where the call was", () => {
    expect(stateOnProviderEnd("ivr", "completed")).toBe("completed");
    expect(stateOnProviderEnd("queued", "completed")).toBe("abandoned");
    expect(stateOnProviderEnd("offered", "completed")).toBe("abandoned");
    expect(stateOnProviderEnd("connected", "completed")).toBe("wrap_up");
    expect(stateOnProviderEnd("on_hold", "completed")).toBe("wrap_up");
  });

  it("maps unanswered and failed calls", () => {
    expect(stateOnProviderEnd("ivr", "canceled")).toBe("abandoned");
    expect(stateOnProviderEnd("ivr", "busy")).toBe("failed");
    expect(stateOnProviderEnd("queued", "no-answer")).toBe("failed");
    expect(stateOnProviderEnd("ivr", "failed")).toBe("failed");
  });

  it("is idempotent on terminal states and wrap-up", () => {
    for (const s of ["completed", "abandoned", "failed", "wrap_up"] as const) expect(stateOnProviderEnd(s, "failed")).toBe(s);
  });

  it("recognizes provider end statuses", () => {
    expect(isProviderEndStatus("no-answer")).toBe(true);
    expect(isProviderEndStatus("ringing")).toBe(false);
  });
});
