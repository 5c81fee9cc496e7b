import { z } from "zod";
import { loadEnv, telephonyPublicBaseUrl } from "../platform/env.server";
import { logger } from "../platform/logger.server";
import { dialForInteraction } from "../telephony/call-control.server";
import { publicRequestUrl, signatureParamsFromForm, TWILIO_SIGNATURE_HEADER, verifyTwilioSignature } from "../telephony/twilio-signature";
import { renderTwiml, TWIML_CONTENT_TYPE, type TwimlVerb } from "../telephony/twiml";
import { campaignWebhookUrl } from "./calls.server";
import { providerAnswered, providerEnded } from "./dialer.server";

/**
 * POST /webhooks/voice/campaign?event=answer|wait|status&tenant=…&attempt=…: a campaign call at a
 * TwiML-compatible provider. Like the other voice webhooks it exists only with TWILIO_AUTH_TOKEN and
 * answers 403 to anything not signed with it; the tenant and attempt ids in the query are ours (the
 * URL we gave the provider is part of what it signs), the call is found by them and checked against
 * the CallSid it reports.
 *
 * - answer: the callee picked up. A machine (AnsweredBy) is hung up on and ends as voicemail; a person
 *   of a progressive or power call joins the campaign's queue and waits in silence (short pauses and a
 *   redirect to "wait") until an agent takes them (the REST bridge) or the dialer gives up and plays
 *   the message; a preview call is connected to its agent at once.
 * - wait: the next short pause while the callee waits.
 * - status: the call's final status and duration (the interaction's end; a call nobody answered ends
 *   its attempt as no answer, busy, failed or voicemail).
 */

const UUID = z.string().uuid();
const querySchema = z.object({ event: z.enum(["answer", "wait", "status"]), tenant: UUID, attempt: UUID });
const formSchema = z.object({
  CallSid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  CallStatus: z.string().max(32).optional(),
  AnsweredBy: z.string().max(40).optional(),
  CallDuration: z.preprocess((v) => (v === "" || v === undefined ? undefined : v), z.coerce.number().int().min(0).max(10_000_000).optional()),
});

const twiml = (verbs: readonly TwimlVerb[]) => new Response(renderTwiml(verbs), { status: 200, headers: { "Content-Type": TWIML_CONTENT_TYPE, "Cache-Control": "no-store" } });
const plain = (status: number, body: string) => new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });

/** How long each silent wait document lasts before the provider asks again. */
const WAIT_SECONDS = 2;

function waitVerbs(tenantId: string, attemptId: string): TwimlVerb[] {
  return [{ verb: "Pause", length: WAIT_SECONDS }, { verb: "Redirect", url: campaignWebhookUrl("wait", tenantId, attemptId), method: "POST" }];
}

export function campaignWebhookLoader(): Response {
  return loadEnv().TWILIO_AUTH_TOKEN ? plain(405, "Method Not Allowed") : plain(404, "Not Found");
}

export async function handleCampaignWebhook(request: Request): Promise<Response> {
  const env = loadEnv();
  if (!env.TWILIO_AUTH_TOKEN) return plain(404, "Not Found");
  if (request.method !== "POST") return plain(405, "Method Not Allowed");
  const raw = new URLSearchParams((request.headers.get("content-type") ?? "").startsWith("application/x-www-form-urlencoded") ? await request.text().catch(() => "") : "");
  const url = publicRequestUrl(telephonyPublicBaseUrl(env), request);
  if (!verifyTwilioSignature(env.TWILIO_AUTH_TOKEN, url, signatureParamsFromForm(raw), request.headers.get(TWILIO_SIGNATURE_HEADER))) {
    logger.warn({ path: "/webhooks/voice/campaign" }, "campaign webhook: bad signature");
    return plain(403, "Forbidden");
  }
  const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const form = formSchema.safeParse(Object.fromEntries(raw));
  if (!query.success) return plain(400, `Invalid webhook field: ${query.error.issues.map((i) => i.path.join(".")).join(", ")}`);
  if (!form.success) return plain(400, `Invalid webhook field: ${form.error.issues.map((i) => i.path.join(".")).join(", ")}`);
  const { event, tenant, attempt } = query.data;
  const ref = { tenantId: tenant, attemptId: attempt };
  try {
    if (event === "status") {
      if (form.data.CallStatus) await providerEnded(ref, form.data.CallStatus, form.data.CallDuration ?? null);
      return twiml([]);
    }
    if (event === "wait") return twiml(waitVerbs(tenant, attempt));
    const answered = await providerAnswered(ref, form.data.AnsweredBy ?? null);
    if (!answered) return twiml([{ verb: "Hangup" }]);
    if (form.data.AnsweredBy && /^(machine|fax)/.test(form.data.AnsweredBy)) return twiml([{ verb: "Hangup" }]);
    if (answered.mode === "preview") {
      const dial = await dialForInteraction(tenant, answered.interactionId);
      return twiml(dial ? [dial] : [{ verb: "Hangup" }]);
    }
    return twiml(waitVerbs(tenant, attempt));
  } catch (err) {
    logger.error({ err, event, attemptId: attempt }, "campaign webhook failed");
    return event === "status" ? plain(500, "Internal Server Error") : twiml([{ verb: "Hangup" }]);
  }
}
