import type { DialTarget } from "./twiml";

/**
 * An agent's endpoint as the bureau stores it — "sip:agent@pbx.example", "client:agent01" (a softphone
 * registration) or an E.164 phone number — as what a TwiML `<Dial>` needs. Null when it is none of these.
 */
export function dialTargetOf(endpoint: string): { target: DialTarget; address: string } | null {
  const e = endpoint.trim();
  if (/^sips?:[^\s@]+@[^\s@]+$/i.test(e)) return { target: "sip", address: e };
  if (/^client:[A-Za-z0-9_.-]{1,100}$/.test(e)) return { target: "client", address: e.slice("client:".length) };
  if (/^\+[1-9][0-9]{6,14}$/.test(e)) return { target: "number", address: e };
  return null;
}
