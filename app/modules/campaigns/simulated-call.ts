import { mulberry32 } from "../platform/random";
import type { SimulationProfile } from "./model";

/**
 * What a campaign call placed on the built-in simulator does: a person answers, nobody answers, the
 * line is busy, a voicemail picks up, or the call fails, after some seconds of ringing. Decided once
 * when the call is placed, from the attempt's id, so the same attempt always rings the same way (a
 * replayed job, a test run twice) and the demo's figures follow the campaign's profile. Pure.
 */
export type SimulatedResult = "human" | "noAnswer" | "busy" | "voicemail" | "failed";
export const SIMULATED_RESULTS: readonly SimulatedResult[] = ["human", "noAnswer", "busy", "voicemail", "failed"];

export interface SimulatedCallPlan {
  result: SimulatedResult;
  ringSeconds: number;
}

/** A 32-bit seed from a string (FNV-1a): an attempt id names its own dice. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function simulatedCallPlan(profile: SimulationProfile, seed: string): SimulatedCallPlan {
  const rand = mulberry32(seedOf(seed));
  const weights = SIMULATED_RESULTS.map((r) => Math.max(0, profile[r]));
  const total = weights.reduce((a, b) => a + b, 0);
  let x = rand() * (total > 0 ? total : 1);
  let result: SimulatedResult = "failed";
  for (let i = 0; i < SIMULATED_RESULTS.length; i++) {
    if (x < weights[i]!) {
      result = SIMULATED_RESULTS[i]!;
      break;
    }
    x -= weights[i]!;
  }
  const span = Math.max(0, profile.ringSecondsMax - profile.ringSecondsMin);
  // Tenths of a second: enough for the dialer's one-second tick, and stable to print.
  const ringSeconds = Math.round((profile.ringSecondsMin + rand() * span) * 10) / 10;
  return { result, ringSeconds };
}

/** The provider status a simulated unanswered result ends with (what Twilio would report). */
export function providerStatusOf(result: Exclude<SimulatedResult, "human">): "no-answer" | "busy" | "completed" | "failed" {
  switch (result) {
    case "noAnswer":
      return "no-answer";
    case "busy":
      return "busy";
    case "voicemail":
      return "completed";
    case "failed":
      return "failed";
  }
}
