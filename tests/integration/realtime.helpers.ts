import type { Redis } from "ioredis";
import { SseParser, type SseItem, type SseMessage } from "~/modules/realtime/sse-format";

/** Reads an SSE Response body in the background and lets a test wait for what it expects. */
export function readEvents(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  const items: SseItem[] = [];
  let done = false;
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        items.push(...parser.push(decoder.decode(value, { stream: true })));
      }
    } finally {
      done = true;
    }
  })();
  const messages = (): SseMessage[] => items.flatMap((i) => (i.kind === "message" ? [i.message] : []));
  return {
    items,
    messages,
    events: () => messages().map((m) => JSON.parse(m.data) as { type: string; [k: string]: unknown }),
    comments: () => items.flatMap((i) => (i.kind === "comment" ? [i.text] : [])),
    get done() {
      return done;
    },
    until: (predicate: () => boolean, what = "the expected frames", ms = 5_000) => waitFor(predicate, what, ms),
    /** Resolves once the server ended the body. */
    ended: (ms = 5_000) => Promise.race([pump, new Promise((_, reject) => setTimeout(() => reject(new Error("stream did not end")), ms))]),
    cancel: () => reader.cancel().catch(() => {}),
  };
}

export async function waitFor(predicate: () => boolean, what: string, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** How many connections are subscribed to a Redis channel, server-wide. */
export async function numsub(redis: Redis, redisChannel: string): Promise<number> {
  const reply = (await redis.call("PUBSUB", "NUMSUB", redisChannel)) as [string, number];
  return Number(reply[1]);
}

/** Drops a connection the way a Redis restart or a network cut would, found by its CLIENT SETNAME. */
export async function killConnection(redis: Redis, name: string) {
  const list = (await redis.call("CLIENT", "LIST")) as string;
  const ids = list
    .split("\n")
    .filter((line) => line.includes(` name=${name} `))
    .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1])
    .filter((id): id is string => !!id);
  if (ids.length === 0) throw new Error(`no Redis connection named ${name}`);
  for (const id of ids) await redis.call("CLIENT", "KILL", "ID", id);
}
