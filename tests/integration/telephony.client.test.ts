import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseEnv } from "~/modules/platform/env.server";
import {
  createTwilioClient,
  TwilioApiError,
  TwilioError,
  TwilioTransportError,
  twilioClientFromEnv,
} from "~/modules/telephony/twilio-client.server";
import { renderTwiml } from "~/modules/telephony/twiml";

const ACCOUNT_SID = `AC${"a1b2c3d4".repeat(4)}`;
const AUTH_TOKEN = "fake-provider-auth-token";
const CALL_SID = `CA${"0f".repeat(16)}`;
const UNKNOWN_CALL_SID = `CA${"ee".repeat(16)}`;
const SLOW_CALL_SID = `CA${"51".repeat(16)}`;
const GARBLED_CALL_SID = `CA${"9a".repeat(16)}`;
const HTML_CALL_SID = `CA${"77".repeat(16)}`;

type Seen = { method: string; path: string; authorization: string | undefined; contentType: string | undefined; form: URLSearchParams };

/**
 * A local stand-in for the provider's REST API: it checks what the real one checks (Basic auth with
 * the account SID and token, the account in the path, a form body) and answers in its JSON shapes.
 */
function fakeProvider() {
  const seen: Seen[] = [];
  const expectedAuth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`;
  const calls = `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls`;

  function json(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }

  function callResource(sid: string, form: URLSearchParams, status: string) {
    return {
      sid,
      account_sid: ACCOUNT_SID,
      status,
      to: form.get("To") ?? "+982112345678",
      from: form.get("From") ?? "+982188888888",
      direction: form.has("To") ? "outbound-api" : "inbound",
      parent_call_sid: null,
      api_version: "2010-04-01",
      uri: `${calls}/${sid}.json`,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    seen.push({
      method: req.method ?? "",
      path,
      authorization: req.headers.authorization,
      contentType: req.headers["content-type"],
      form,
    });

    if (req.headers.authorization !== expectedAuth) {
      return json(res, 401, {
        code: 20003,
        message: "Authenticate",
        more_info: "https://www.twilio.com/docs/errors/20003",
        status: 401,
      });
    }
    if (req.method !== "POST" || req.headers["content-type"] !== "application/x-www-form-urlencoded") {
      return json(res, 400, { code: 20001, message: "Bad request", more_info: null, status: 400 });
    }
    if (path === `${calls}.json`) {
      if (!form.get("To") || !form.get("From") || !form.get("Url")) {
        return json(res, 400, {
          code: 21201,
          message: "No 'To' number is specified",
          more_info: "https://www.twilio.com/docs/errors/21201",
          status: 400,
        });
      }
      return json(res, 201, callResource(`CA${"12".repeat(16)}`, form, "queued"));
    }
    if (path === `${calls}/${SLOW_CALL_SID}.json`) {
      setTimeout(() => json(res, 200, callResource(SLOW_CALL_SID, form, "in-progress")), 1_000);
      return;
    }
    if (path === `${calls}/${GARBLED_CALL_SID}.json`) return json(res, 200, { hello: "world" });
    if (path === `${calls}/${HTML_CALL_SID}.json`) {
      res.writeHead(502, { "content-type": "text/html" });
      return res.end("<html>Bad gateway</html>");
    }
    if (path === `${calls}/${CALL_SID}.json`) {
      const status = form.get("Status") ?? "in-progress";
      return json(res, 200, callResource(CALL_SID, form, status));
    }
    return json(res, 404, {
      code: 20404,
      message: `The requested resource ${path} was not found`,
      more_info: "https://www.twilio.com/docs/errors/20404",
      status: 404,
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  return { server, seen };
}

let provider: ReturnType<typeof fakeProvider>;
let baseUrl: string;

beforeAll(async () => {
  provider = fakeProvider();
  await new Promise<void>((resolve) => provider.server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(provider.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  provider.server.closeAllConnections();
  await new Promise<void>((resolve) => provider.server.close(() => resolve()));
});

beforeEach(() => {
  provider.seen.length = 0;
});

const client = () => createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl, timeoutMs: 2_000 });

describe("twilio REST client against a local provider", () => {
  it("redirects a live call to a URL: path, Basic auth and form body", async () => {
    const call = await client().updateCall(CALL_SID, {
      url: "https://voice.example.com/webhooks/voice/bridge?agent=7&tenant=a",
      method: "POST",
    });
    expect(call).toEqual({
      sid: CALL_SID,
      status: "in-progress",
      to: "+982112345678",
      from: "+982188888888",
      direction: "inbound",
      parentCallSid: null,
    });
    expect(provider.seen).toHaveLength(1);
    const [request] = provider.seen;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${CALL_SID}.json`);
    expect(request?.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`);
    expect(request?.contentType).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      Url: "https://voice.example.com/webhooks/voice/bridge?agent=7&tenant=a",
      Method: "POST",
    });
  });

  it("bridges with inline TwiML, Persian text intact", async () => {
    const twiml = renderTwiml([
      { verb: "Say", text: "در حال اتصال به کارشناس", language: "fa-IR" },
      { verb: "Dial", number: "sip:agent-7@pbx.example", target: "sip" },
    ]);
    await client().updateCall(CALL_SID, { twiml });
    expect(provider.seen[0]?.form.get("Twiml")).toBe(twiml);
    expect([...(provider.seen[0]?.form.keys() ?? [])]).toEqual(["Twiml"]);
  });

  it("ends a call through Status", async () => {
    const call = await client().updateCall(CALL_SID, { status: "completed" });
    expect(call.status).toBe("completed");
    expect(Object.fromEntries(provider.seen[0]?.form ?? [])).toEqual({ Status: "completed" });
  });

  it("places an outbound call with repeated status-callback events", async () => {
    const call = await client().createCall({
      to: "+989121234567",
      from: "+982188888888",
      url: "https://voice.example.com/webhooks/voice/outbound",
      statusCallback: "https://voice.example.com/webhooks/voice/status",
      statusCallbackEvent: ["initiated", "answered", "completed"],
      timeout: 25,
    });
    expect(call).toMatchObject({ status: "queued", to: "+989121234567", direction: "outbound-api" });
    const request = provider.seen[0];
    expect(request?.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`);
    expect(request?.form.get("To")).toBe("+989121234567");
    expect(request?.form.get("From")).toBe("+982188888888");
    expect(request?.form.get("Url")).toBe("https://voice.example.com/webhooks/voice/outbound");
    expect(request?.form.get("StatusCallback")).toBe("https://voice.example.com/webhooks/voice/status");
    expect(request?.form.getAll("StatusCallbackEvent")).toEqual(["initiated", "answered", "completed"]);
    expect(request?.form.get("Timeout")).toBe("25");
  });

  it("turns the provider's 404 JSON into a TwilioApiError with its code and message", async () => {
    const error = await client()
      .updateCall(UNKNOWN_CALL_SID, { url: "https://voice.example.com/x" })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TwilioApiError);
    expect(error).toBeInstanceOf(TwilioError);
    const apiError = error as TwilioApiError;
    expect(apiError.status).toBe(404);
    expect(apiError.code).toBe(20404);
    expect(apiError.message).toBe(`The requested resource /2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${UNKNOWN_CALL_SID}.json was not found`);
    expect(apiError.moreInfo).toBe("https://www.twilio.com/docs/errors/20404");
  });

  it("reports wrong credentials and validation errors with the provider's codes", async () => {
    const wrong = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: "wrong", baseUrl });
    await expect(wrong.updateCall(CALL_SID, { status: "completed" })).rejects.toMatchObject({
      name: "TwilioApiError",
      status: 401,
      code: 20003,
    });
    await expect(client().createCall({ to: "", from: "+982188888888", url: "https://x.example" })).rejects.toMatchObject({
      status: 400,
      code: 21201,
      message: "No 'To' number is specified",
    });
  });

  it("keeps a non-JSON error page readable", async () => {
    const error = (await client()
      .updateCall(HTML_CALL_SID, { status: "completed" })
      .catch((err: unknown) => err)) as TwilioApiError;
    expect(error).toBeInstanceOf(TwilioApiError);
    expect(error.status).toBe(502);
    expect(error.code).toBeNull();
    expect(error.message).toContain("Bad gateway");
  });

  it("refuses a success answer that is not a call resource", async () => {
    await expect(client().updateCall(GARBLED_CALL_SID, { status: "completed" })).rejects.toBeInstanceOf(
      TwilioTransportError,
    );
  });

  it("gives up after the timeout", async () => {
    const impatient = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl, timeoutMs: 100 });
    const started = Date.now();
    const error = (await impatient
      .updateCall(SLOW_CALL_SID, { status: "completed" })
      .catch((err: unknown) => err)) as TwilioTransportError;
    expect(error).toBeInstanceOf(TwilioTransportError);
    expect(error.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("reports an unreachable provider", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: `http://127.0.0.1:${port}` });
    const error = (await unreachable
      .updateCall(CALL_SID, { status: "completed" })
      .catch((err: unknown) => err)) as TwilioTransportError;
    expect(error).toBeInstanceOf(TwilioTransportError);
    expect(error.timedOut).toBe(false);
  });

  it("rejects malformed input before sending anything", async () => {
    await expect(client().updateCall("../../Messages", { status: "completed" })).rejects.toThrow(TypeError);
    await expect(client().updateCall(`SM${"0f".repeat(16)}`, { status: "completed" })).rejects.toThrow(TypeError);
    await expect(client().updateCall(CALL_SID, {})).rejects.toThrow(/url, twiml or status/);
    await expect(client().updateCall(CALL_SID, { url: "https://x.example", twiml: "<Response/>" })).rejects.toThrow(
      /not both/,
    );
    expect(() => createTwilioClient({ accountSid: "not-a-sid", authToken: AUTH_TOKEN, baseUrl })).toThrow(TypeError);
    expect(provider.seen).toHaveLength(0);
  });

  it("builds from the environment, base URL included, and is absent when unconfigured", async () => {
    const base = {
      DATABASE_URL: "postgres://app:app@127.0.0.1:5432/hamkal",
      REDIS_URL: "redis://127.0.0.1:6379/0",
      SESSION_SECRET: "x".repeat(32),
    };
    expect(twilioClientFromEnv(parseEnv(base))).toBeNull();
    const fromEnv = twilioClientFromEnv(
      parseEnv({
        ...base,
        TELEPHONY_PROVIDER: "twilio",
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_API_BASE_URL: `${baseUrl}/`,
        PUBLIC_BASE_URL: "https://voice.example.com",
      }),
    );
    expect(fromEnv).not.toBeNull();
    await expect(fromEnv?.updateCall(CALL_SID, { status: "completed" })).resolves.toMatchObject({ sid: CALL_SID });
    expect(provider.seen[0]?.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${CALL_SID}.json`);
  });
});
