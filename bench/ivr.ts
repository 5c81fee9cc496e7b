import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { seedDemo } from "../db/seed";
import { computeTwilioSignature } from "../app/modules/telephony/twilio-signature";
import { createTestDatabase, dropTestDatabase, ownerDb } from "../tests/setup/test-db";

/**
 * Server time of an IVR webhook step, through the production build's request handler (routing,
 * signature check, Postgres transaction with the row lock, interpreter, TwiML), in process so the
 * figures are the server's and not the HTTP client's.
 *
 * Baseline, in the same run: GET /api/v1/openapi.json, a trivial resource route (no database).
 * Measured against it:
 *   - incoming: a new call (number lookup, interaction created, first IVR step, TwiML);
 *   - step: a key press on that call (idempotency check, locked step, TwiML);
 *   - step, cold: the same key press on a call whose first request another web process answered, so
 *     this one must look the CallSid up first. A second import of the build stands in for that process.
 * Target from the issue: p99 under 20 ms server time for an IVR step.
 */
const CALLS = 400;
const WARMUP = 40;
const BASE = "https://voice.bench.example";
const TOKEN = "bench-auth-token";

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function signed(url: string, params: Record<string, string>) {
  const u = new URL(url);
  return new Request(`http://localhost${u.pathname}${u.search}`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": computeTwilioSignature(TOKEN, url, params),
    },
    body: new URLSearchParams(params),
  });
}

export default async function ivrBench() {
  const started = Date.now();
  if (!existsSync("build/server/index.js")) {
    console.log("building the app first (npm run build)…");
    const built = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
    if (built.status !== 0) throw new Error("npm run build failed");
  }
  const database = await createTestDatabase("hamkal_bench_ivr");
  Object.assign(process.env, {
    NODE_ENV: "production",
    DATABASE_URL: database.app,
    DATABASE_OWNER_URL: database.owner,
    REDIS_URL: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/15",
    SESSION_SECRET: "bench-secret-bench-secret-bench-secret",
    LOG_LEVEL: "silent",
    TELEPHONY_PROVIDER: "twilio",
    TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`,
    TWILIO_AUTH_TOKEN: TOKEN,
    PUBLIC_BASE_URL: BASE,
  });
  const owner = ownerDb(database.owner);
  const elsewhereDir = await mkdtemp(path.join(tmpdir(), "hamkal-bench-ivr-"));
  try {
    await seedDemo(database.owner);
    const number = await owner
      .selectFrom("tenant_phone_numbers")
      .select("e164")
      .where("ivr_flow_id", "is not", null)
      .orderBy("e164")
      .executeTakeFirstOrThrow();
    const handle = createRequestHandler((await import(pathToFileURL(path.resolve("build/server/index.js")).href)) as ServerBuild, "production");
    // A copy of the build loads as other modules, with in-process state of their own, as in a second web
    // process; its packages still resolve to the same node_modules (hence the link).
    await cp("build/server", path.join(elsewhereDir, "server"), { recursive: true });
    await symlink(path.resolve("node_modules"), path.join(elsewhereDir, "node_modules"), "dir");
    const elsewhereBuild = pathToFileURL(path.join(elsewhereDir, "server/index.js")).href;
    const elsewhere = createRequestHandler((await import(elsewhereBuild)) as ServerBuild, "production");

    const timings = { baseline: [] as number[], incoming: [] as number[], step: [] as number[], stepCold: [] as number[] };
    const time = async (bucket: number[] | null, req: Request, handler = handle) => {
      const t0 = performance.now();
      const res = await handler(req);
      const body = await res.text();
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`${req.url} answered ${res.status}: ${body.slice(0, 200)}`);
      bucket?.push(ms);
      return body;
    };

    const call = async (callSid: string, incoming: number[] | null, step: number[] | null, stepHandler = handle) => {
      const twiml = await time(
        incoming,
        signed(`${BASE}/webhooks/voice/incoming`, { CallSid: callSid, From: "+989121234567", To: number.e164, Direction: "inbound", CallStatus: "ringing" }),
      );
      const action = /<Gather[^>]*\saction="([^"]+)"/.exec(twiml)?.[1]?.replaceAll("&amp;", "&");
      if (!action) throw new Error(`no Gather in the first answer: ${twiml.slice(0, 300)}`);
      await time(step, signed(action, { CallSid: callSid, Digits: "1", From: "+989121234567", To: number.e164 }), stepHandler);
    };

    for (let i = 0; i < CALLS + WARMUP; i++) {
      const measure = i >= WARMUP;
      await time(measure ? timings.baseline : null, new Request("http://localhost/api/v1/openapi.json"));
      await call(`CA${i.toString(16).padStart(32, "0")}`, measure ? timings.incoming : null, measure ? timings.step : null);
      await call(`CA${(i + 0x100000).toString(16).padStart(32, "0")}`, null, measure ? timings.stepCold : null, elsewhere);
    }

    const rows = (Object.entries(timings) as [string, number[]][]).map(([name, samples]) => {
      const sorted = [...samples].sort((a, b) => a - b);
      const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
      return { name, ops: 1000 / mean, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean };
    });
    const base = rows[0]!;
    const label: Record<string, string> = {
      baseline: "baseline: GET openapi.json (no DB)",
      incoming: "incoming: new call + first IVR step",
      step: "step: key press on a live call",
      stepCold: "step, cold: call answered by another process",
    };
    console.log(`\nIVR webhook benchmark: ${CALLS} calls (after ${WARMUP} warm-up), in-process through the production build\n`);
    const header = ["variant", "req/s", "p50 ms", "p99 ms", "ratio to baseline (time)"];
    const table = rows.map((r) => [label[r.name]!, r.ops.toFixed(0), r.p50.toFixed(2), r.p99.toFixed(2), `${(r.mean / base.mean).toFixed(2)}x`]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
    for (const r of [header, widths.map((w) => "-".repeat(w)), ...table]) {
      console.log(`  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")}`);
    }
    console.log("");
    for (const step of rows.filter((r) => r.name === "step" || r.name === "stepCold")) {
      console.log(`  target p99 < 20 ms, ${label[step.name]}: ${step.p99 < 20 ? "met" : "NOT met"} (${step.p99.toFixed(2)} ms)`);
    }
    console.log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    const { closeDb } = await import("../app/modules/platform/db.server");
    const { closeRedis } = await import("../app/modules/platform/redis.server");
    await Promise.allSettled([closeDb(), closeRedis(), owner.destroy(), rm(elsewhereDir, { recursive: true, force: true })]);
    await dropTestDatabase(database.name);
  }
}
