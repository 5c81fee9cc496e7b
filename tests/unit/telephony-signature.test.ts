import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  computeTwilioSignature,
  publicRequestUrl,
  signatureParamsFromForm,
  verifyTwilioSignature,
} from "~/modules/telephony/twilio-signature";

// The worked example in the provider's webhook-security documentation (auth token 12345).
const TOKEN = "12345";
const URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
const DOC_PARAMS = {
  CallSid: "CA1234567890ABCDE",
  Caller: "+14158675310",
  Digits: "1234",
  From: "+14158675310",
  To: "+18005551212",
};
const DOC_SIGNATURE = "GvWf1cFY/Q7PnoempGyD5oXAezc=";
// The same example as signed in the provider's Node SDK test suite (other caller number).
const SDK_PARAMS = { ...DOC_PARAMS, Caller: "+14158675309", From: "+14158675309" };
const SDK_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

describe("computeTwilioSignature", () => {
  it("reproduces the provider's documented signatures", () => {
    expect(computeTwilioSignature(TOKEN, URL, DOC_PARAMS)).toBe(DOC_SIGNATURE);
    expect(computeTwilioSignature(TOKEN, URL, SDK_PARAMS)).toBe(SDK_SIGNATURE);
  });

  it("does not depend on the order the parameters arrive in", () => {
    const reversed = Object.fromEntries(Object.entries(DOC_PARAMS).reverse());
    expect(computeTwilioSignature(TOKEN, URL, reversed)).toBe(DOC_SIGNATURE);
  });

  it("signs the URL alone when there are no parameters", () => {
    const expected = createHmac("sha1", TOKEN).update(URL).digest("base64");
    expect(computeTwilioSignature(TOKEN, URL, {})).toBe(expected);
  });

  it("signs repeated parameters once per distinct value, values sorted", () => {
    const expected = createHmac("sha1", TOKEN)
      .update(`${URL}AccountSidAC1EventansweredEventcompletedEventringing`)
      .digest("base64");
    expect(
      computeTwilioSignature(TOKEN, URL, { Event: ["ringing", "answered", "completed", "answered"], AccountSid: "AC1" }),
    ).toBe(expected);
  });

  it("signs Persian values as UTF-8", () => {
    const expected = createHmac("sha1", TOKEN).update(`${URL}SpeechResultسلام`, "utf8").digest("base64");
    expect(computeTwilioSignature(TOKEN, URL, { SpeechResult: "سلام" })).toBe(expected);
  });
});

describe("verifyTwilioSignature", () => {
  it("accepts the documented example", () => {
    expect(verifyTwilioSignature(TOKEN, URL, DOC_PARAMS, DOC_SIGNATURE)).toBe(true);
    expect(verifyTwilioSignature(TOKEN, URL, SDK_PARAMS, ` ${SDK_SIGNATURE} `)).toBe(true);
  });

  it("rejects a tampered parameter, an added or a removed one", () => {
    expect(verifyTwilioSignature(TOKEN, URL, { ...DOC_PARAMS, Digits: "9999" }, DOC_SIGNATURE)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL, { ...DOC_PARAMS, Extra: "1" }, DOC_SIGNATURE)).toBe(false);
    const { Digits: _digits, ...withoutDigits } = DOC_PARAMS;
    expect(verifyTwilioSignature(TOKEN, URL, withoutDigits, DOC_SIGNATURE)).toBe(false);
  });

  it("rejects a tampered URL: host, path, query or scheme", () => {
    for (const url of [
      "https://evil.example/myapp.php?foo=1&bar=2",
      "https://mycompany.com/other.php?foo=1&bar=2",
      "https://mycompany.com/myapp.php?foo=2&bar=2",
      "https://mycompany.com/myapp.php",
      "http://mycompany.com/myapp.php?foo=1&bar=2",
    ]) {
      expect(verifyTwilioSignature(TOKEN, url, DOC_PARAMS, DOC_SIGNATURE), url).toBe(false);
    }
  });

  it("rejects a wrong token, a missing, empty or garbled header", () => {
    expect(verifyTwilioSignature("54321", URL, DOC_PARAMS, DOC_SIGNATURE)).toBe(false);
    expect(verifyTwilioSignature("", URL, DOC_PARAMS, DOC_SIGNATURE)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL, DOC_PARAMS, undefined)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL, DOC_PARAMS, null)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL, DOC_PARAMS, "")).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL, DOC_PARAMS, "short")).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL, DOC_PARAMS, DOC_SIGNATURE.toLowerCase())).toBe(false);
  });

  it("accepts the URL with or without the default port, but not another port", () => {
    const withPort = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
    const signedWithPort = computeTwilioSignature(TOKEN, withPort, DOC_PARAMS);
    expect(verifyTwilioSignature(TOKEN, URL, DOC_PARAMS, signedWithPort)).toBe(true);
    expect(verifyTwilioSignature(TOKEN, withPort, DOC_PARAMS, DOC_SIGNATURE)).toBe(true);
    expect(verifyTwilioSignature(TOKEN, "https://mycompany.com:8443/myapp.php?foo=1&bar=2", DOC_PARAMS, DOC_SIGNATURE)).toBe(
      false,
    );
    const httpSigned = computeTwilioSignature(TOKEN, "http://voice.example:80/hook", {});
    expect(verifyTwilioSignature(TOKEN, "http://voice.example/hook", {}, httpSigned)).toBe(true);
  });

  it("checks repeated parameters", () => {
    const params = { StatusCallbackEvent: ["ringing", "answered"] };
    const signature = computeTwilioSignature(TOKEN, URL, params);
    expect(verifyTwilioSignature(TOKEN, URL, { StatusCallbackEvent: ["answered", "ringing"] }, signature)).toBe(true);
    expect(verifyTwilioSignature(TOKEN, URL, { StatusCallbackEvent: ["answered"] }, signature)).toBe(false);
  });
});

describe("publicRequestUrl", () => {
  it("rebuilds the provider's URL from the public base, whatever host the proxy forwarded to", () => {
    const request = new Request("http://127.0.0.1:3000/webhooks/voice/incoming?tenant=a&step=2", { method: "POST" });
    expect(publicRequestUrl("https://voice.example.com", request)).toBe(
      "https://voice.example.com/webhooks/voice/incoming?tenant=a&step=2",
    );
    expect(publicRequestUrl("https://voice.example.com/", request)).toBe(
      "https://voice.example.com/webhooks/voice/incoming?tenant=a&step=2",
    );
  });

  it("keeps a path prefix of the public base and the query exactly as sent", () => {
    const request = new Request("http://10.0.0.5:8080/webhooks/voice/gather?node=menu%201&lang=fa");
    expect(publicRequestUrl("https://example.com/hamkal/", request)).toBe(
      "https://example.com/hamkal/webhooks/voice/gather?node=menu%201&lang=fa",
    );
  });

  it("verifies end to end: signed at the public URL, received at the internal one", () => {
    const publicBase = "https://mycompany.com";
    const request = new Request("http://127.0.0.1:3000/myapp.php?foo=1&bar=2", { method: "POST" });
    expect(verifyTwilioSignature(TOKEN, publicRequestUrl(publicBase, request), DOC_PARAMS, DOC_SIGNATURE)).toBe(true);
    expect(verifyTwilioSignature(TOKEN, request.url, DOC_PARAMS, DOC_SIGNATURE)).toBe(false);
  });
});

describe("signatureParamsFromForm", () => {
  it("keeps single fields as strings and repeated ones as arrays", () => {
    const form = new URLSearchParams("CallSid=CA1&Digits=1&Event=a&Event=b&Event=c");
    expect(signatureParamsFromForm(form)).toEqual({ CallSid: "CA1", Digits: "1", Event: ["a", "b", "c"] });
  });

  it("verifies a form body the provider signed", async () => {
    const body = new URLSearchParams(DOC_PARAMS).toString();
    const request = new Request(URL, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
    });
    const params = signatureParamsFromForm(await request.formData());
    expect(verifyTwilioSignature(TOKEN, URL, params, DOC_SIGNATURE)).toBe(true);
  });
});
