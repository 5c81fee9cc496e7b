import { describe, expect, it } from "vitest";
import { formatComment, formatFrame, formatRetry, SseParser, type SseItem } from "~/modules/realtime/sse-format";

const messages = (items: SseItem[]) => items.flatMap((i) => (i.kind === "message" ? [i.message] : []));

describe("SSE frames", () => {
  it("writes id, event and data lines ended by a blank line", () => {
    expect(formatFrame({ id: "7", data: '{"type":"a.b"}' })).toBe('id: 7\ndata: {"type":"a.b"}\n\n');
    expect(formatFrame({ id: "8", event: "offer", data: "x", retry: 2000 })).toBe("retry: 2000\nid: 8\nevent: offer\ndata: x\n\n");
  });

  it("splits a multi-line payload into data lines that a reader joins back", () => {
    const frame = formatFrame({ data: "one\ntwo\r\nthree" });
    expect(frame).toBe("data: one\ndata: two\ndata: three\n\n");
    expect(messages(new SseParser().push(frame))).toEqual([{ id: null, event: "message", data: "one\ntwo\nthree" }]);
  });

  it("refuses an id or event name that would break the framing", () => {
    expect(() => formatFrame({ id: "1\n2", data: "x" })).toThrow();
    expect(() => formatFrame({ id: "1\0", data: "x" })).toThrow();
    expect(() => formatFrame({ event: "a\rb", data: "x" })).toThrow();
    expect(() => formatFrame({ event: "", data: "x" })).toThrow();
    expect(() => formatRetry(-1)).toThrow();
  });

  it("writes comments and the retry hint, which EventSource does not dispatch", () => {
    expect(formatComment("hb")).toBe(": hb\n\n");
    expect(formatComment()).toBe(":\n\n");
    expect(formatRetry(2000)).toBe("retry: 2000\n\n");
    expect(new SseParser().push(formatRetry(2000) + formatComment("hb"))).toEqual([
      { kind: "retry", ms: 2000 },
      { kind: "comment", text: "hb" },
    ]);
  });
});

describe("SseParser", () => {
  const stream = [formatRetry(1500), formatFrame({ id: "1", data: '{"n":1}' }), formatComment("hb"), formatFrame({ id: "2", data: '{"n":"دو"}' })].join("");

  it("reads the same messages however the stream is split into chunks", () => {
    const whole = new SseParser().push(stream);
    for (const size of [1, 2, 3, 7, 64]) {
      const parser = new SseParser();
      const items: SseItem[] = [];
      for (let i = 0; i < stream.length; i += size) items.push(...parser.push(stream.slice(i, i + size)));
      expect(items, `chunks of ${size}`).toEqual(whole);
    }
    expect(messages(whole)).toEqual([
      { id: "1", event: "message", data: '{"n":1}' },
      { id: "2", event: "message", data: '{"n":"دو"}' },
    ]);
  });

  it("accepts CRLF and CR line ends, even with the CRLF split across chunks", () => {
    const parser = new SseParser();
    const items = [...parser.push("id: 5\r"), ...parser.push("\ndata: a\r"), ...parser.push("\n\r"), ...parser.push("\n"), ...parser.push("data: b\r\r")];
    expect(messages(items)).toEqual([
      { id: "5", event: "message", data: "a" },
      { id: "5", event: "message", data: "b" },
    ]);
  });

  it("follows the spec's edge rules: no data no message, id persists, one leading space stripped", () => {
    const parser = new SseParser();
    expect(messages(parser.push("id: 9\nevent: x\n\n"))).toEqual([]);
    expect(messages(parser.push("data:  two spaces\n\n"))).toEqual([{ id: "9", event: "message", data: " two spaces" }]);
    expect(messages(parser.push("data\n\n"))).toEqual([{ id: "9", event: "message", data: "" }]);
    expect(messages(parser.push("unknown: y\ndata: z\n\n"))).toEqual([{ id: "9", event: "message", data: "z" }]);
  });
});
