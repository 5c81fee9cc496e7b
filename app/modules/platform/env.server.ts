import { z } from "zod";

/**
 * The one schema for the process environment. Web and workers call `loadEnv()` at boot, so a wrong
 * variable stops the process with a message naming it instead of failing later on first use.
 */
const booleanish = z
  .enum(["true", "false", "1", "0", ""])
  .transform((v) => v === "true" || v === "1");

/** For secrets and URLs a deployment leaves blank ("NAME=" in .env): blank means not configured. */
const blankAsUnset = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Base URL the public reaches us on (links in e-mails, provider webhook signatures behind proxies). */
  PUBLIC_URL: z.string().url().optional(),
  /** Connection used by web and workers: a role that owns nothing and has no BYPASSRLS. */
  DATABASE_URL: z.string().url().refine((u) => /^postgres(ql)?:/.test(u), "must be a postgres:// URL"),
  /** Owner connection used only by migrations and the seed. Defaults to DATABASE_URL's server as user postgres. */
  DATABASE_OWNER_URL: z
    .string()
    .url()
    .refine((u) => /^postgres(ql)?:/.test(u), "must be a postgres:// URL")
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * on: the hot statements (tagged in the SQL) run as named prepared statements. off: behind a
   * pooler that cannot keep them (PgBouncer in transaction mode before 1.21).
   */
  DATABASE_PREPARE: z.enum(["on", "off"]).default("on"),
  REDIS_URL: z.string().url().refine((u) => /^rediss?:/.test(u), "must be a redis:// URL"),
  /** Signs CSRF tokens; at least 32 characters. No default: a secret must be chosen. */
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters"),
  /** Bearer token for GET /metrics. When unset /metrics answers 404. */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** smtp: send through SMTP_URL. outbox: keep mail in the database and show it at /dev/mail (demo). */
  MAIL_TRANSPORT: z.enum(["smtp", "outbox"]).default("outbox"),
  /**
   * Whether /dev/mail shows the outbox to anyone, signed in or not (password-reset links included).
   * Defaults to false in production: there the outbox is read at /bureau/outbox, behind a permission.
   */
  DEV_MAILBOX: booleanish.optional(),
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().min(3).default("Hamkal <no-reply@hamkal.local>"),
  /** Cookies get the Secure flag. Defaults to true in production. */
  COOKIE_SECURE: booleanish.optional(),
  LOGIN_MAX_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_PER_IP: z.coerce.number().int().min(1).default(30),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(10).default(900),
  /** Key prefix of the BullMQ queues in Redis (tests use their own so runs never share jobs). */
  BULLMQ_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "letters, digits, - and _ only").default("hamkal"),
  /** simulator: calls live in the platform, no audio (the demo). twilio: a TwiML-compatible provider. */
  TELEPHONY_PROVIDER: z.enum(["simulator", "twilio"]).default("simulator"),
  TWILIO_ACCOUNT_SID: blankAsUnset(z.string().regex(/^AC[0-9a-f]{32}$/, "must be AC followed by 32 hex digits")),
  /** Signs the provider's webhooks and authenticates our REST calls. When unset the TwiML webhooks answer 404. */
  TWILIO_AUTH_TOKEN: blankAsUnset(z.string().min(1)),
  /** The provider's REST API; tests point it at a local server speaking the same protocol. */
  TWILIO_API_BASE_URL: z.string().url().default("https://api.twilio.com"),
  /**
   * The URL the provider calls us on, used to check webhook signatures and to build `action` URLs.
   * Defaults to PUBLIC_URL; differs from it when the provider reaches us through another host or proxy.
   */
  PUBLIC_BASE_URL: blankAsUnset(z.string().url()),
  /**
   * on: the workers process runs the traffic generator (simulated callers through the IVR, simulated
   * agents answering them), so the demo's wallboard is alive. Never in a real deployment.
   */
  DEMO_TRAFFIC: z.enum(["on", "off"]).default("off"),
  /** The generator's calls per minute across all tenants, in an ordinary open hour. */
  DEMO_TRAFFIC_CPM: z.coerce.number().positive().max(600).default(6),
  /**
   * The Chromium (or Chrome) binary that prints invoice PDFs (billing/document.server.ts), launched
   * headless on first use. The machine's browser, never a downloaded one; the e2e tests use it too.
   */
  CHROMIUM_PATH: z.string().min(1).default("/usr/bin/chromium"),
  /**
   * Stripe (optional per bureau, billing/stripe.server.ts). When unset Stripe is off: nothing calls
   * it, tenants are not mapped to customers, usage is not reported and payments are recorded by hand.
   */
  STRIPE_SECRET_KEY: blankAsUnset(z.string().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, "must be a Stripe secret key (sk_… or rk_…)")),
  /** Verifies Stripe-Signature on POST /webhooks/stripe. When unset that route answers 404. */
  STRIPE_WEBHOOK_SECRET: blankAsUnset(z.string().regex(/^whsec_[A-Za-z0-9_]+$/, "must be a webhook signing secret (whsec_…)")),
  /**
   * Stripe's API; tests point it at a local server that speaks the same protocol. Only scheme, host
   * and port are used (the SDK takes those, the /v1 paths are its own), so a path is refused.
   */
  STRIPE_API_BASE_URL: z
    .string()
    .url()
    .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol) && new URL(u).pathname.replace(/\/+$/, "") === "", "must be http(s)://host[:port] without a path")
    .default("https://api.stripe.com"),
  /** Meter event names are this prefix + the usage kind ("hamkal_inbound_minutes"): the Stripe meters must use them. */
  STRIPE_METER_EVENT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{0,40}$/, "letters, digits, _ . - only, at most 40")
    .default("hamkal_"),
  /**
   * Client-side cap on Stripe requests per second from one process. 25 is Stripe's per-endpoint default
   * and its whole sandbox budget; live meter events allow far more, raise it there.
   */
  STRIPE_MAX_REQUESTS_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(25),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid environment (see .env.example):\n${lines.join("\n")}`);
  }
  const env = result.data;
  if (env.MAIL_TRANSPORT === "smtp" && !env.SMTP_URL) {
    throw new EnvError("Invalid environment (see .env.example):\n  SMTP_URL: required when MAIL_TRANSPORT=smtp");
  }
  if (env.TELEPHONY_PROVIDER === "twilio") {
    // The http://HOST:PORT fallback of publicUrl() is never reachable by the provider, so an explicit
    // PUBLIC_BASE_URL (or PUBLIC_URL, its default) is needed for signatures to verify.
    const missing = [
      env.TWILIO_ACCOUNT_SID ? null : "TWILIO_ACCOUNT_SID",
      env.TWILIO_AUTH_TOKEN ? null : "TWILIO_AUTH_TOKEN",
      env.PUBLIC_BASE_URL || env.PUBLIC_URL ? null : "PUBLIC_BASE_URL",
    ].filter((name): name is string => name !== null);
    if (missing.length > 0) {
      const lines = missing.map((name) => `  ${name}: required when TELEPHONY_PROVIDER=twilio`);
      throw new EnvError(`Invalid environment (see .env.example):\n${lines.join("\n")}`);
    }
  }
  return env;
}

let cached: Env | undefined;

export function loadEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvCache() {
  cached = undefined;
}

export function cookieSecure(env: Env = loadEnv()) {
  return env.COOKIE_SECURE ?? env.NODE_ENV === "production";
}

export function ownerDatabaseUrl(env: Env = loadEnv()) {
  if (env.DATABASE_OWNER_URL) return env.DATABASE_OWNER_URL;
  const url = new URL(env.DATABASE_URL);
  url.username = "postgres";
  url.password = "";
  return url.toString();
}

export function publicUrl(env: Env = loadEnv()) {
  return (env.PUBLIC_URL ?? `http://${env.HOST === "0.0.0.0" ? "localhost" : env.HOST}:${env.PORT}`).replace(/\/$/, "");
}

/** The base the telephony provider calls (signatures, `action` URLs), without a trailing slash. */
export function telephonyPublicBaseUrl(env: Env = loadEnv()) {
  return env.PUBLIC_BASE_URL ? env.PUBLIC_BASE_URL.replace(/\/+$/, "") : publicUrl(env);
}

/** Reads ./.env into process.env when present (Node's own loader; real environment wins). */
export function loadDotenvFile(file = ".env") {
  try {
    process.loadEnvFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}
