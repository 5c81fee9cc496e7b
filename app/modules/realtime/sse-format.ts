/**
 * The text/event-stream wire format (WHATWG HTML, "Server-sent events"). Pure: the SSE responses
 * write with it, and server-side readers (tests, the benchmark, a Node consumer) read with it.
 */

export interface SseFrame {
  id?: string;
  /** Named event; omitted means "message", which is what `EventSource.onmessage` receives. */
  event?: string;
  data: string;
  /** Reconnection delay the browser should use, in milliseconds. */
  retry?: number;
}

// A field value ends at the first line break, so ids and names must not contain one; the spec
// also makes a browser ignore an id containing NUL.
const SINGLE_LINE = /^[^\r\n\0]*$/;

export function formatFrame(frame: SseFrame): string {
  let out = "";
  if (frame.retry !== undefined) {
    if (!Number.isInteger(frame.retry) || frame.retry < 0) throw new Error("sse: retry must be a non-negative integer");
    out += `retry: ${frame.retry}\n`;
  }
  if (frame.id !== undefined) {
    if (!SINGLE_LINE.test(frame.id)) throw new Error("sse: id must be one line without NUL");
    out += `id: ${frame.id}\n`;
  }
  if (frame.event !== undefined) {
    if (!SINGLE_LINE.test(frame.event) || frame.event === "") throw new Error("sse: event name must be one non-empty line");
    out += `event: ${frame.event}\n`;
  }
  // Every line of the payload gets its own data: field; the reader joins them back with "\n".
  for (const line of frame.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** The retry hint alone: sent first so a browser that loses the stream early already knows it. */
export function formatRetry(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw new Error("sse: retry must be a non-negative integer");
  return `retry: ${ms}\n\n`;
}

/** A comment line: ignored by EventSource, but it keeps proxies and load balancers from idling out. */
export function formatComment(text = ""): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => `:${line ? ` ${line}` : ""}\n`)
    .join("")
    .concat("\n");
}

export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
}

export type SseItem = { kind: "message"; message: SseMessage } | { kind: "comment"; text: string } | { kind: "retry"; ms: number };

/**
 * Incremental reader: feed it chunks as they arrive (any split, even inside a line or a CRLF) and
 * it returns what completed. Follows the spec's rules: a blank line dispatches, a message without
 * data is dropped, `id` persists across messages, a leading space after the colon is removed.
 */
export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private event = "";
  private lastId: string | null = null;
  private pendingCr = false;

  push(chunk: string): SseItem[] {
    const items: SseItem[] = [];
    let text = chunk;
    // A CR that ended the previous chunk already ended its line; a LF right after it is the same break.
    if (this.pendingCr && text.startsWith("\n")) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      this.line(this.buffer.slice(start, i), items);
      if (ch === 13) {
        if (i + 1 < this.buffer.length) {
          if (this.buffer.charCodeAt(i + 1) === 10) i++;
        } else {
          this.pendingCr = true;
        }
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    return items;
  }

  private line(line: string, items: SseItem[]) {
    if (line === "") {
      if (this.data.length > 0) items.push({ kind: "message", message: { id: this.lastId, event: this.event || "message", data: this.data.join("\n") } });
      this.data = [];
      this.event = "";
      return;
    }
    const colon = line.indexOf(":");
    if (colon === 0) {
      items.push({ kind: "comment", text: line.slice(1).replace(/^ /, "") });
      return;
    }
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id" && !value.includes("\0")) this.lastId = value;
    else if (field === "retry" && /^\d+$/.test(value)) items.push({ kind: "retry", ms: Number(value) });
  }
}
