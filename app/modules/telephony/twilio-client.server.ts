import { z } from "zod";
import { type Env, loadEnv } from "~/modules/platform/env.server";
import { type HttpMethod } from "./twiml";

/**
 * The few REST calls the TwiML adapter needs (redirect or bridge a live call, place an outbound
 * call). fetch and form bodies rather than the provider's SDK: the base URL must point at a local
 * server in tests, and TwiML-compatible providers expose the same 2010-04-01 paths.
 */

export const DEFAULT_TWILIO_API_BASE_URL = "https://api.twilio.com";
const DEFAULT_TIMEOUT_MS = 10_000;

export type TwilioClientOptions = {
  accountSid: string;
  authToken: string;
  baseUrl?: string;
  /** Per request; a live call waits on it, so it is kept short. */
  timeoutMs?: number;
  fetch?: typeof fetch;
};

export type TwilioCall = {
  sid: string;
  status: string;
  to: string | null;
  from: string | null;
  direction: string | null;
  parentCallSid: string | null;
};

export type UpdateCallInput = {
  /** Fetch new TwiML from here (e.g. a webhook that answers `<Dial>` to bridge to an agent). */
  url?: string;
  method?: HttpMethod;
  /** Inline TwiML, instead of `url`. */
  twiml?: string;
  /** Ends the call: "canceled" if still ringing, "completed" if in progress. */
  status?: "canceled" | "completed";
};

export type CreateCallInput = {
  to: string;
  from: string;
  url: string;
  method?: HttpMethod;
  statusCallback?: string;
  statusCallbackEvent?: ("initiated" | "ringing" | "answered" | "completed")[];
  /** Seconds to let the callee's phone ring. */
  timeout?: number;
  /** Answering machine detection: the answer webhook then carries AnsweredBy (human, machine_start, ...). */
  machineDetection?: "Enable" | "DetectMessageEnd";
};

/** Base of every error this client throws, so callers can catch provider trouble in one place. */
export class TwilioError extends Error {
  override name = "TwilioError";
}

/** The provider answered with an error status; `code` is its documented error code (e.g. 20404). */
export class TwilioApiError extends TwilioError {
  override name = "TwilioApiError";
  constructor(
    message: string,
    readonly status: number,
    readonly code: number | null,
    readonly moreInfo: string | null,
  ) {
    super(message);
  }
}

/** No usable answer: network failure, timeout, or a body that is not the provider's JSON. */
export class TwilioTransportError extends TwilioError {
  override name = "TwilioTransportError";
  constructor(
    message: string,
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const callSchema = z.object({
  sid: z.string().min(1),
  status: z.string(),
  to: z.string().nullish(),
  from: z.string().nullish(),
  direction: z.string().nullish(),
  parent_call_sid: z.string().nullish(),
});

const errorSchema = z.object({
  code: z.number().int().nullish(),
  message: z.string().nullish(),
  more_info: z.string().nullish(),
});

// Sids go into the path; a crafted one ("../..") must not reach another resource.
const SID = /^[A-Z]{2}[0-9a-fA-F]{32}$/;

export type TwilioClient = {
  updateCall(callSid: string, input: UpdateCallInput): Promise<TwilioCall>;
  createCall(input: CreateCallInput): Promise<TwilioCall>;
};

export function createTwilioClient(options: TwilioClientOptions): TwilioClient {
  const baseUrl = (options.baseUrl ?? DEFAULT_TWILIO_API_BASE_URL).replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch = options.fetch ?? fetch;
  if (!SID.test(options.accountSid)) throw new TypeError("accountSid is not an account SID (AC + 32 hex)");
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString("base64")}`;
  const accountPath = `/2010-04-01/Accounts/${options.accountSid}`;

  async function post(path: string, form: URLSearchParams): Promise<TwilioCall> {
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${accountPath}${path}`, {
        method: "POST",
        headers: {
          authorization,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: form.toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof Error && err.name === "TimeoutError";
      throw new TwilioTransportError(
        timedOut ? `provider did not answer within ${timeoutMs} ms` : `provider unreachable: ${(err as Error).message}`,
        timedOut,
        { cause: err },
      );
    }
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      const timedOut = err instanceof Error && err.name === "TimeoutError";
      throw new TwilioTransportError(`reading the provider's answer failed: ${(err as Error).message}`, timedOut, {
        cause: err,
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const parsed = errorSchema.safeParse(body);
      const error = parsed.success ? parsed.data : {};
      throw new TwilioApiError(
        error.message ?? `provider answered ${response.status}: ${text.slice(0, 200)}`,
        response.status,
        error.code ?? null,
        error.more_info ?? null,
      );
    }
    const call = callSchema.safeParse(body);
    if (!call.success) {
      throw new TwilioTransportError(`provider answered ${response.status} without a call resource`, false);
    }
    return {
      sid: call.data.sid,
      status: call.data.status,
      to: call.data.to ?? null,
      from: call.data.from ?? null,
      direction: call.data.direction ?? null,
      parentCallSid: call.data.parent_call_sid ?? null,
    };
  }

  return {
    async updateCall(callSid, input) {
      if (!SID.test(callSid) || !callSid.startsWith("CA")) throw new TypeError(`not a call SID: ${callSid}`);
      if (input.url === undefined && input.twiml === undefined && input.status === undefined) {
        throw new TypeError("updateCall needs url, twiml or status");
      }
      if (input.url !== undefined && input.twiml !== undefined) {
        throw new TypeError("updateCall takes url or twiml, not both");
      }
      const form = new URLSearchParams();
      if (input.url !== undefined) form.set("Url", input.url);
      if (input.method !== undefined) form.set("Method", input.method);
      if (input.twiml !== undefined) form.set("Twiml", input.twiml);
      if (input.status !== undefined) form.set("Status", input.status);
      return post(`/Calls/${callSid}.json`, form);
    },

    async createCall(input) {
      const form = new URLSearchParams({ To: input.to, From: input.from, Url: input.url });
      if (input.method !== undefined) form.set("Method", input.method);
      if (input.statusCallback !== undefined) form.set("StatusCallback", input.statusCallback);
      for (const event of input.statusCallbackEvent ?? []) form.append("StatusCallbackEvent", event);
      if (input.timeout !== undefined) form.set("Timeout", String(input.timeout));
      if (input.machineDetection !== undefined) form.set("MachineDetection", input.machineDetection);
      return post("/Calls.json", form);
    },
  };
}

/** The client for the configured account, or null when the TwiML provider is not configured. */
export function twilioClientFromEnv(env: Env = loadEnv()): TwilioClient | null {
  if (!env.TWILIO_ACCOUNT_SID || !env.TWILIO_AUTH_TOKEN) return null;
  return createTwilioClient({
    accountSid: env.TWILIO_ACCOUNT_SID,
    authToken: env.TWILIO_AUTH_TOKEN,
    baseUrl: env.TWILIO_API_BASE_URL,
  });
}
