import { describe, expect, it } from "vitest";
import { escapeXml, renderTwiml, type TwimlVerb, voiceFor } from "~/modules/telephony/twiml";

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>';
const doc = (body: string) => `${HEAD}<Response>${body}</Response>`;

describe("renderTwiml", () => {
  it("renders an empty response", () => {
    expect(renderTwiml([])).toBe(doc(""));
  });

  it("renders Say with language, voice and loop", () => {
    expect(renderTwiml([{ verb: "Say", text: "Hello" }])).toBe(doc("<Say>Hello</Say>"));
    expect(renderTwiml([{ verb: "Say", text: "Hello", language: "en-US", voice: "Polly.Joanna", loop: 2 }])).toBe(
      doc('<Say language="en-US" voice="Polly.Joanna" loop="2">Hello</Say>'),
    );
  });

  it("renders Play and Pause", () => {
    expect(
      renderTwiml([
        { verb: "Play", url: "https://cdn.example/hold.mp3" },
        { verb: "Pause", length: 2 },
        { verb: "Pause" },
        { verb: "Play", url: "https://cdn.example/x.wav", loop: 0 },
      ]),
    ).toBe(
      doc('<Play>https://cdn.example/hold.mp3</Play><Pause length="2"/><Pause/><Play loop="0">https://cdn.example/x.wav</Play>'),
    );
  });

  it("renders Gather with its attributes and nested Say/Play/Pause", () => {
    expect(
      renderTwiml([
        {
          verb: "Gather",
          action: "https://voice.example/webhooks/voice/gather?step=3",
          method: "POST",
          input: "dtmf",
          numDigits: 1,
          finishOnKey: "#",
          timeout: 5,
          actionOnEmptyResult: true,
          children: [
            { verb: "Say", text: "Press 1", language: "en-US" },
            { verb: "Pause", length: 1 },
            { verb: "Play", url: "https://cdn.example/menu.mp3" },
          ],
        },
      ]),
    ).toBe(
      doc(
        '<Gather input="dtmf" action="https://voice.example/webhooks/voice/gather?step=3" method="POST" numDigits="1" finishOnKey="#" timeout="5" actionOnEmptyResult="true">' +
          '<Say language="en-US">Press 1</Say><Pause length="1"/><Play>https://cdn.example/menu.mp3</Play>' +
          "</Gather>",
      ),
    );
    expect(renderTwiml([{ verb: "Gather", action: "/g" }])).toBe(doc('<Gather action="/g"/>'));
  });

  it("renders Enqueue with the queue name as text", () => {
    expect(
      renderTwiml([
        { verb: "Enqueue", queue: "tenant-1:support", waitUrl: "https://voice.example/wait", waitUrlMethod: "POST" },
      ]),
    ).toBe(doc('<Enqueue waitUrl="https://voice.example/wait" waitUrlMethod="POST">tenant-1:support</Enqueue>'));
    expect(renderTwiml([{ verb: "Enqueue", queue: "q", action: "/left", method: "POST" }])).toBe(
      doc('<Enqueue action="/left" method="POST">q</Enqueue>'),
    );
  });

  it("renders Redirect, Record and Hangup", () => {
    expect(
      renderTwiml([
        { verb: "Redirect", url: "https://voice.example/next", method: "POST" },
        {
          verb: "Record",
          action: "https://voice.example/recorded",
          maxLength: 120,
          playBeep: true,
          timeout: 5,
          finishOnKey: "#",
        },
        { verb: "Record", playBeep: false },
        { verb: "Hangup" },
      ]),
    ).toBe(
      doc(
        '<Redirect method="POST">https://voice.example/next</Redirect>' +
          '<Record action="https://voice.example/recorded" maxLength="120" timeout="5" finishOnKey="#" playBeep="true"/>' +
          '<Record playBeep="false"/>' +
          "<Hangup/>",
      ),
    );
  });

  it("renders Dial to a number, a SIP endpoint and a client", () => {
    expect(renderTwiml([{ verb: "Dial", number: "+982112345678", callerId: "+982188888888", timeout: 20 }])).toBe(
      doc('<Dial callerId="+982188888888" timeout="20"><Number>+982112345678</Number></Dial>'),
    );
    expect(renderTwiml([{ verb: "Dial", number: "sip:agent-7@pbx.example", target: "sip", action: "/dialed" }])).toBe(
      doc('<Dial action="/dialed"><Sip>sip:agent-7@pbx.example</Sip></Dial>'),
    );
    expect(renderTwiml([{ verb: "Dial", number: "agent_7", target: "client" }])).toBe(
      doc("<Dial><Client>agent_7</Client></Dial>"),
    );
  });

  it("escapes & < > \" ' in text and in attributes", () => {
    const nasty = `Tom & Jerry's <b>"show"</b>`;
    const escaped = "Tom &amp; Jerry&apos;s &lt;b&gt;&quot;show&quot;&lt;/b&gt;";
    expect(renderTwiml([{ verb: "Say", text: nasty, voice: `a"b<c>&'` }])).toBe(
      doc(`<Say voice="a&quot;b&lt;c&gt;&amp;&apos;">${escaped}</Say>`),
    );
  });

  it("escapes URLs in element text and in attributes", () => {
    const url = "https://voice.example/g?tenant=a&step=2&x=<y>";
    const escaped = "https://voice.example/g?tenant=a&amp;step=2&amp;x=&lt;y&gt;";
    expect(
      renderTwiml([
        { verb: "Gather", action: url, children: [{ verb: "Play", url }] },
        { verb: "Redirect", url },
        { verb: "Enqueue", queue: "a&b", waitUrl: url },
      ]),
    ).toBe(
      doc(
        `<Gather action="${escaped}"><Play>${escaped}</Play></Gather>` +
          `<Redirect>${escaped}</Redirect>` +
          `<Enqueue waitUrl="${escaped}">a&amp;b</Enqueue>`,
      ),
    );
  });

  it("passes Persian text through as UTF-8, unescaped", () => {
    const text = "برای پیگیری سفارش، عدد ۱ را فشار دهید";
    const xml = renderTwiml([{ verb: "Say", text, language: "fa-IR" }]);
    expect(xml).toBe(doc(`<Say language="fa-IR">${text}</Say>`));
    expect(Buffer.from(xml, "utf8").toString("utf8")).toContain("سفارش");
    expect(xml).not.toMatch(/&#/);
  });

  it("drops characters XML cannot carry, even escaped", () => {
    expect(escapeXml("a\u0000b\u0007c\td\ne\uD800f")).toBe("abc\td\nef");
    expect(escapeXml("emoji 😀 stays")).toBe("emoji 😀 stays");
  });

  it("refuses counts the provider would reject", () => {
    const bad: TwimlVerb[][] = [
      [{ verb: "Gather", action: "/g", numDigits: 0 }],
      [{ verb: "Gather", action: "/g", timeout: 1.5 }],
      [{ verb: "Record", maxLength: Number.NaN }],
      [{ verb: "Pause", length: -1 }],
      [{ verb: "Dial", number: "+1", timeout: 0 }],
      [{ verb: "Gather", action: "/g", children: [{ verb: "Say", text: "x", loop: -1 }] }],
    ];
    for (const verbs of bad) expect(() => renderTwiml(verbs), JSON.stringify(verbs)).toThrow(RangeError);
  });
});

describe("voiceFor", () => {
  it("maps the platform languages to provider locales and voices", () => {
    expect(voiceFor("fa")).toEqual({ language: "fa-IR" });
    expect(voiceFor("en")).toEqual({ language: "en-US", voice: "Polly.Joanna" });
    expect(voiceFor("nl")).toEqual({ language: "nl-NL", voice: "Polly.Lotte" });
  });

  it("accepts region-tagged codes and falls back to English", () => {
    expect(voiceFor("FA-ir").language).toBe("fa-IR");
    expect(voiceFor("nl_BE").language).toBe("nl-NL");
    expect(voiceFor("xx")).toEqual({ language: "en-US", voice: "Polly.Joanna" });
  });

  it("feeds Say directly", () => {
    expect(renderTwiml([{ verb: "Say", text: "Welkom", ...voiceFor("nl") }])).toBe(
      doc('<Say language="nl-NL" voice="Polly.Lotte">Welkom</Say>'),
    );
  });
});
