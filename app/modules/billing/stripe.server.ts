import { createHash } from "node:crypto";
import { sql } from "kysely";
import Stripe from "stripe";
import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import { isLanguage, type Language } from "../i18n/config";
import { loadEnv, type Env } from "../platform/env.server";
import { logger } from "../platform/logger.server";
import { withBureauScope, withTenant } from "../tenancy/scope.server";
import { lineText } from "./document/format";
import { billingT } from "./document/i18n.server";
import { loadInvoiceView } from "./invoices.server";
import type { InvoiceLineView, InvoiceView } from "./invoice-view";
import { USAGE_KINDS, type UsageKind } from "./plan";
import type { StripeInvoiceJob } from "./stripe-jobs";
import {
  createRateLimiter,
  DEFAULT_RETRY,
  meterEventName,
  meterWindowStart,
  retryDelay,
  STRIPE_METER_NAME_MAX,
  STRIPE_USAGE_SKIPPED_AT,
  StripeMoneyError,
  toStripeAmount,
  type RetryPolicy,
} from "./stripe-support";

/**
 * The Stripe adapter (issue 5, "Stripe (optional per bureau)"). Off unless STRIPE_SECRET_KEY is set:
 * then nothing here calls Stripe and every entry point returns "disabled".
 *
 * - Tenants map to Stripe customers (stripe_customers), made once per tenant.
 * - Usage is reported as Billing meter events, one per usage_events row, the identifier being our
 *   idempotency key, so Stripe counts a fact once however often we send it. Stripe's meters and
 *   prices must be set up per kind with the event names `${STRIPE_METER_EVENT_PREFIX}${kind}` and
 *   the value in the kind's *quantity* unit (seconds, counts, MB-days: USAGE_KIND_UNITS), since that
 *   is what usage_events holds; the per-minute/per-GB price belongs on the Stripe price (transform).
 * - A finalized invoice is mirrored as a Stripe invoice (send_invoice) with one invoice item per line,
 *   VAT and SLA credits included as their own items, so Stripe's total is exactly ours.
 *
 * Our invoices stay the record: Stripe is a way to collect, never a second ledger. Nothing here holds
 * a database transaction across a network call; each side effect on Stripe carries an idempotency key
 * made of our ids, and each local write is conditional, so any step may run again.
 */

// ---------------------------------------------------------------------------------------------------
// Client

type StripeClient = InstanceType<typeof Stripe>;

const clients = new Map<string, StripeClient>();
const limiters = new WeakMap<StripeClient, () => Promise<void>>();

/** The SDK's own retries (5xx, 409, network, with the request's idempotency key) before ours. */
const SDK_NETWORK_RETRIES = 2;

/** The configured client, or null when Stripe is off. One per key and base URL (its sockets are pooled). */
export function stripeClient(env: Env = loadEnv()): StripeClient | null {
  const key = env.STRIPE_SECRET_KEY;
  if (!key) return null;
  const cacheKey = `${key}\n${env.STRIPE_API_BASE_URL}`;
  let client = clients.get(cacheKey);
  if (!client) {
    const base = new URL(env.STRIPE_API_BASE_URL);
    const protocol = base.protocol === "http:" ? "http" : "https";
    client = new Stripe(key, {
      host: base.hostname,
      port: base.port || (protocol === "http" ? 80 : 443),
      protocol,
      maxNetworkRetries: SDK_NETWORK_RETRIES,
      timeout: 20_000,
      telemetry: false,
      appInfo: { name: "Hamkal" },
    });
    clients.set(cacheKey, client);
    limiters.set(client, createRateLimiter(env.STRIPE_MAX_REQUESTS_PER_SECOND));
  }
  return client;
}

export function stripeEnabled(env: Env = loadEnv()): boolean {
  return Boolean(env.STRIPE_SECRET_KEY);
}

export interface StripeSyncOptions {
  /** Defaults to stripeClient(); tests pass one aimed at their local server. */
  client?: StripeClient | null;
  /** Our retries on 429/5xx after the SDK's; tests shorten the delays. */
  retry?: RetryPolicy;
  now?: () => Date;
  /** Defaults to STRIPE_METER_EVENT_PREFIX. */
  meterPrefix?: string;
}

/** Stripe failed in a way a retry of the same request cannot fix (bad request, auth, permission). */
export function isPermanentStripeError(err: unknown): boolean {
  return (
    err instanceof Stripe.errors.StripeInvalidRequestError ||
    err instanceof Stripe.errors.StripeAuthenticationError ||
    err instanceof Stripe.errors.StripePermissionError ||
    err instanceof Stripe.errors.StripeIdempotencyError ||
    err instanceof Stripe.errors.StripeCardError
  );
}

/** Worth asking again later: rate limited, Stripe's side failed, or the network did. */
function isTransientStripeError(err: unknown): boolean {
  if (err instanceof Stripe.errors.StripeRateLimitError || err instanceof Stripe.errors.StripeConnectionError) return true;
  if (err instanceof Stripe.errors.StripeError) return (err.statusCode ?? 0) >= 500 || err.statusCode === 409;
  return false;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * One Stripe call at the configured pace, retried on 429 and 5xx with exponential backoff. The SDK
 * already retries 5xx and network failures itself, but not 429 (Stripe's guidance is to back off
 * and try again), so rate limiting is handled here; 5xx that outlast the SDK's retries get ours too.
 * The same idempotency key travels with every attempt, so a retried create never makes two objects.
 */
async function call<T>(client: StripeClient, fn: () => Promise<T>, retry: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  const take = limiters.get(client) ?? createRateLimiter(loadEnv().STRIPE_MAX_REQUESTS_PER_SECOND);
  if (!limiters.has(client)) limiters.set(client, take);
  for (let attempt = 1; ; attempt++) {
    await take();
    try {
      return await fn();
    } catch (err) {
      if (attempt >= retry.attempts || !isTransientStripeError(err)) throw err;
      const wait = retryDelay(retry, attempt);
      logger.debug({ attempt, wait, status: (err as { statusCode?: number }).statusCode }, "stripe: retrying");
      await sleep(wait);
    }
  }
}

function need(opts: StripeSyncOptions): StripeClient | null {
  return opts.client === undefined ? stripeClient() : opts.client;
}

// ---------------------------------------------------------------------------------------------------
// Customers

const tenantRowSchema = z.object({
  id: z.string().uuid(),
  slug: z.string().min(1),
  name: z.string().min(1),
  legal_name: z.string(),
  billing_email: z.string().nullable(),
  default_locale: z.string(),
});

/** Stripe's hosted invoice and its e-mails come in these of our languages (it has no Persian). */
const STRIPE_LOCALES: ReadonlySet<string> = new Set(["en", "nl"]);

export class StripeSyncError extends Error {
  constructor(
    readonly code: "tenantNotFound" | "invoiceNotFound" | "disabled",
    readonly params: Record<string, string> = {},
  ) {
    super(`stripe: ${code}`);
  }
}

/**
 * The tenant's Stripe customer id, creating the customer on first use. The create carries the key
 * `hamkal-customer-<tenant>`, so a retry or a concurrent caller gets the same customer back from
 * Stripe (its idempotency window is 24 hours; the mapping row is written right after, so only a crash
 * between the two that stays unretried for a day could make a second one). The mapping row is the
 * lookup thereafter: the first writer wins and everyone returns the stored id.
 */
export async function ensureStripeCustomer(tenantId: string, opts: StripeSyncOptions = {}): Promise<string> {
  const client = need(opts);
  if (!client) throw new StripeSyncError("disabled");
  const stored = await withTenant(tenantId, (trx) => trx.selectFrom("stripe_customers").select("customer_id").where("tenant_id", "=", tenantId).executeTakeFirst());
  if (stored) return stored.customer_id;
  const row = await withTenant(tenantId, (trx) =>
    trx.selectFrom("tenants").select(["id", "slug", "name", "legal_name", "billing_email", "default_locale"]).where("id", "=", tenantId).executeTakeFirst(),
  );
  if (!row) throw new StripeSyncError("tenantNotFound", { tenantId });
  const tenant = tenantRowSchema.parse(row);
  const customer = await call(
    client,
    () =>
      client.customers.create(
        {
          // Stripe prints `name` on the invoice: that must be the legal name when there is one.
          name: (tenant.legal_name || tenant.name).slice(0, 256),
          description: tenant.name.slice(0, 350),
          ...(tenant.billing_email ? { email: tenant.billing_email } : {}),
          ...(STRIPE_LOCALES.has(tenant.default_locale) ? { preferred_locales: [tenant.default_locale] } : {}),
          metadata: { hamkal_tenant_id: tenant.id, hamkal_tenant_slug: tenant.slug, hamkal_trading_name: tenant.name.slice(0, 500) },
        },
        { idempotencyKey: `hamkal-customer-${tenantId}` },
      ),
    opts.retry,
  );
  return withTenant(tenantId, async (trx) => {
    await trx
      .insertInto("stripe_customers")
      .values({ tenant_id: tenantId, customer_id: customer.id })
      .onConflict((oc) => oc.column("tenant_id").doNothing())
      .execute();
    const row = await trx.selectFrom("stripe_customers").select("customer_id").where("tenant_id", "=", tenantId).executeTakeFirstOrThrow();
    return row.customer_id;
  });
}

// ---------------------------------------------------------------------------------------------------
// Usage -> meter events

const usageRowSchema = z.object({
  tenant_id: z.string().uuid(),
  id: z.string().regex(/^\d+$/),
  kind: z.enum(USAGE_KINDS),
  quantity: z.string().regex(/^\d+$/),
  occurred_at: z.date(),
  recorded_at: z.date(),
  idempotency_key: z.string().min(1).max(200),
});

/** Where a batch ended: recorded_at as Postgres prints it (microseconds, which a Date would drop) and the id. */
export interface UsageCursor {
  recordedAt: string;
  id: string;
}

export interface ReportUsageOptions extends StripeSyncOptions {
  /** Usage events read per call (a batch). */
  limit?: number;
  /** Only these tenants (tests; a bureau that enables Stripe for some tenants could use it too). */
  tenantIds?: readonly string[];
  /** Continue after this event (the previous batch's `next`), so events that failed are not re-read in the same run. */
  after?: UsageCursor | null;
  /** Meter events in flight at once (still paced by the rate limiter). */
  concurrency?: number;
  /** Refusals per kind so far in this run (reportAllUsage carries it from batch to batch). */
  refusals?: Map<UsageKind, number>;
}

/**
 * After this many refusals (400) of one kind in a run, its other events wait for the next run: a kind
 * whose meter is missing in Stripe would otherwise cost a refused request per event, every minute.
 * Fewer than this is one bad event, and the others of its kind still go.
 */
const REFUSALS_BEFORE_KIND_PAUSE = 3;

/** Stripe refuses every request this way until someone fixes the key or its permissions: stop at once. */
function isAccountError(err: unknown): boolean {
  return err instanceof Stripe.errors.StripeAuthenticationError || err instanceof Stripe.errors.StripePermissionError;
}

export interface ReportUsageResult {
  status: "disabled" | "done";
  selected: number;
  /** Sent and accepted. */
  sent: number;
  /** Stripe already had the identifier: delivered earlier (a crash before we marked it). */
  duplicates: number;
  /** Older than Stripe's window: marked STRIPE_USAGE_SKIPPED_AT, billed by our invoices only. */
  skippedOld: number;
  /** Quantity 0: nothing to meter, marked reported without a request. */
  zero: number;
  /** Refused by Stripe (or no customer for the tenant); left unreported for the next run. */
  failed: number;
  /** Not attempted because the batch stopped; left unreported for the next run. */
  deferred: number;
  /** The run stopped early: Stripe kept answering 429 or was unreachable. */
  stopped: boolean;
  /** Where the next batch starts, or null when this one was the last. */
  next: UsageCursor | null;
}

/** Stripe's identifier holds 100 characters; a longer key of ours is sent as its SHA-256 (still one per fact). */
export function meterIdentifier(idempotencyKey: string): string {
  return idempotencyKey.length <= STRIPE_METER_NAME_MAX ? idempotencyKey : createHash("sha256").update(idempotencyKey).digest("hex");
}

/** Stripe refuses a meter event whose identifier it has seen: for us that means "already delivered". */
function isDuplicateMeterEvent(err: unknown): boolean {
  if (!(err instanceof Stripe.errors.StripeInvalidRequestError)) return false;
  return err.code === "duplicate_meter_event" || /already exists with identifier/i.test(err.message);
}

async function markUsage(rows: readonly { tenant_id: string; id: string }[], at: Date): Promise<void> {
  if (rows.length === 0) return;
  await withBureauScope((trx) =>
    sql`update usage_events set stripe_reported_at = ${at}
        where stripe_reported_at is null
          and (tenant_id, id) in (select * from unnest(${rows.map((r) => r.tenant_id)}::uuid[], ${rows.map((r) => r.id)}::bigint[]))`.execute(trx),
  );
}

/**
 * Reports one batch of unreported usage (stripe_reported_at is null), oldest first, as meter events:
 * event_name per kind, payload {stripe_customer_id, value: quantity in the kind's quantity unit},
 * identifier = our idempotency key, timestamp = occurred_at. Events outside Stripe's 35-day window
 * are not sent but marked skipped (STRIPE_USAGE_SKIPPED_AT); they are on our invoice regardless.
 *
 * Failures: a refused event (400) stays unreported and is tried again next run (once it ages out of
 * the window it is marked skipped, so nothing is retried forever), and after three refusals of one
 * kind in a run the rest of that kind waits too (a meter missing in Stripe); 429 and 5xx are retried
 * with backoff, and if they persist, or the key is refused (401/403), the batch stops so the next run
 * starts where this one left off. The
 * rows are read without a lock and marked afterwards: two runs at once would both send, and Stripe's
 * identifier check turns the second into a duplicate we count as delivered.
 */
export async function reportUsage(opts: ReportUsageOptions = {}): Promise<ReportUsageResult> {
  const empty: ReportUsageResult = { status: "done", selected: 0, sent: 0, duplicates: 0, skippedOld: 0, zero: 0, failed: 0, deferred: 0, stopped: false, next: null };
  const client = need(opts);
  if (!client) return { ...empty, status: "disabled" };
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 500), 1), 5000);
  const now = opts.now?.() ?? new Date();
  const prefix = opts.meterPrefix ?? loadEnv().STRIPE_METER_EVENT_PREFIX;
  const tenantIds = opts.tenantIds ? z.array(z.string().uuid()).parse(opts.tenantIds) : null;
  const after = opts.after ?? null;

  const raw = await withBureauScope((trx) =>
    trx
      .selectFrom("usage_events")
      .select(["tenant_id", "id", "kind", "quantity", "occurred_at", "recorded_at", "idempotency_key", sql<string>`recorded_at::text`.as("recorded_key")])
      .where("stripe_reported_at", "is", null)
      .$if(tenantIds !== null, (qb) => qb.where("tenant_id", "in", tenantIds!.length ? tenantIds! : ["00000000-0000-0000-0000-000000000000"]))
      .$if(after !== null, (qb) => qb.where(sql<boolean>`(recorded_at, id) > (${after!.recordedAt}::timestamptz, ${after!.id}::bigint)`))
      .orderBy("recorded_at")
      .orderBy("id")
      .limit(limit)
      .execute(),
  );
  const result: ReportUsageResult = { ...empty, selected: raw.length };
  if (raw.length === 0) return result;
  const last = raw[raw.length - 1]!;
  result.next = raw.length === limit ? { recordedAt: last.recorded_key, id: String(last.id) } : null;

  const windowStart = meterWindowStart(now);
  const delivered: { tenant_id: string; id: string }[] = [];
  const skipped: { tenant_id: string; id: string }[] = [];
  const toSend: z.infer<typeof usageRowSchema>[] = [];
  for (const r of raw) {
    const parsed = usageRowSchema.safeParse({ ...r, id: String(r.id), quantity: String(r.quantity) });
    if (!parsed.success) {
      // Written by the metering module under the table's checks; a row that fails here is a bug to see, not to send.
      logger.error({ tenantId: r.tenant_id, id: String(r.id), issues: parsed.error.issues }, "stripe usage: unexpected usage row");
      result.failed++;
      continue;
    }
    const row = parsed.data;
    if (row.occurred_at < windowStart) skipped.push(row);
    else if (row.quantity === "0") {
      delivered.push(row);
      result.zero++;
    } else toSend.push(row);
  }
  result.skippedOld = skipped.length;

  // Customers first, once per tenant in the batch; a tenant whose customer cannot be made waits for the next run.
  const customers = new Map<string, string | null>();
  for (const tenantId of new Set(toSend.map((r) => r.tenant_id))) {
    try {
      customers.set(tenantId, await ensureStripeCustomer(tenantId, { ...opts, client }));
    } catch (err) {
      logger.warn({ err, tenantId }, "stripe usage: no customer for tenant, its usage waits");
      customers.set(tenantId, null);
      if (isTransientStripeError(err) || isAccountError(err)) result.stopped = true;
    }
  }

  const refusals = opts.refusals ?? new Map<UsageKind, number>();
  let cursor = 0;
  const concurrency = Math.min(Math.max(opts.concurrency ?? 4, 1), 16);
  const worker = async () => {
    for (;;) {
      if (result.stopped) return;
      const row = toSend[cursor++];
      if (!row) return;
      const customer = customers.get(row.tenant_id);
      if (!customer) {
        result.failed++;
        continue;
      }
      if ((refusals.get(row.kind) ?? 0) >= REFUSALS_BEFORE_KIND_PAUSE) {
        result.deferred++;
        continue;
      }
      const identifier = meterIdentifier(row.idempotency_key);
      try {
        await call(
          client,
          () =>
            client.billing.meterEvents.create(
              {
                event_name: meterEventName(prefix, row.kind as UsageKind),
                payload: { stripe_customer_id: customer, value: row.quantity },
                identifier,
                timestamp: Math.floor(row.occurred_at.getTime() / 1000),
              },
              // Two layers: the HTTP idempotency key makes the SDK's and our retries replay one response;
              // the identifier makes Stripe count the fact once even across days.
              { idempotencyKey: `hamkal-meter-${identifier}` },
            ),
          opts.retry,
        );
        delivered.push(row);
        result.sent++;
      } catch (err) {
        if (isDuplicateMeterEvent(err)) {
          delivered.push(row);
          result.duplicates++;
        } else {
          result.failed++;
          if (isTransientStripeError(err) || isAccountError(err)) result.stopped = true;
          else if (err instanceof Stripe.errors.StripeInvalidRequestError) refusals.set(row.kind, (refusals.get(row.kind) ?? 0) + 1);
          logger.warn({ err, tenantId: row.tenant_id, usageId: row.id, kind: row.kind, code: (err as { code?: string }).code }, "stripe usage: meter event not accepted");
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  result.deferred += toSend.length - Math.min(cursor, toSend.length);

  await markUsage(delivered, now);
  await markUsage(skipped, STRIPE_USAGE_SKIPPED_AT);
  if (skipped.length) logger.warn({ count: skipped.length, windowStart }, "stripe usage: events older than Stripe's 35-day window were not sent (they stay on our invoices)");
  return result;
}

/** The repeating job: batches until none is left, Stripe pushes back, or 20 batches (the next run continues). */
export async function reportAllUsage(opts: Omit<ReportUsageOptions, "after"> & { maxBatches?: number } = {}): Promise<Omit<ReportUsageResult, "next"> & { batches: number }> {
  const total = { status: "done" as ReportUsageResult["status"], selected: 0, sent: 0, duplicates: 0, skippedOld: 0, zero: 0, failed: 0, deferred: 0, stopped: false, batches: 0 };
  let after: UsageCursor | null = null;
  const refusals = new Map<UsageKind, number>();
  for (let i = 0; i < (opts.maxBatches ?? 20); i++) {
    const r = await reportUsage({ ...opts, after, refusals });
    total.batches++;
    total.status = r.status;
    for (const k of ["selected", "sent", "duplicates", "skippedOld", "zero", "failed", "deferred"] as const) total[k] += r[k];
    total.stopped ||= r.stopped;
    if (r.status === "disabled" || r.stopped || !r.next) break;
    after = r.next;
  }
  if (total.sent || total.failed) logger.info(total, "stripe usage reported");
  return total;
}

// ---------------------------------------------------------------------------------------------------
// Invoices

export interface MirrorResult {
  status: "disabled" | "mirrored" | "alreadyMirrored" | "skipped";
  reason?: "creditNote" | "notFinalized" | "void" | "nothingToCollect" | "paidOrCredited";
  stripeInvoiceId?: string;
  itemsCreated?: number;
}

const LINE_LABELS: Record<InvoiceLineView["type"], string> = {
  base_fee: "Base fee",
  usage: "Usage",
  minimum_topup: "Minimum commitment top-up",
  sla_credit: "SLA credit",
  vat: "VAT",
  credit: "Credit",
};

/** A plain English label from the line's structure, should the billing texts fail to load. */
function fallbackDescription(line: InvoiceLineView): string {
  const label = LINE_LABELS[line.type] ?? line.type;
  const kind = line.kind ? `: ${line.kind.replace(/_/g, " ")}` : "";
  const qty = line.quantity !== null && line.quantityUnit ? ` (${line.quantity} ${line.quantityUnit}${line.quantity === 1 ? "" : "s"})` : "";
  const rate = line.rateBp !== null ? ` ${line.rateBp / 100}%` : "";
  return `${label}${kind}${qty}${rate}`;
}

/**
 * The item's text in the invoice's language, worded exactly as on our PDF and in the mail (the
 * document module's lineText), so the Stripe invoice and ours never describe a line differently.
 */
function lineDescription(view: InvoiceView, line: InvoiceLineView, lng: Language): string {
  let text: string;
  try {
    const { description, detail } = lineText({ view, lang: lng, t: billingT(lng) }, line);
    text = detail ? `${description} (${detail})` : description;
  } catch (err) {
    logger.warn({ err, invoiceId: view.id, lineNo: line.lineNo }, "stripe invoice: line text unavailable, using a plain label");
    text = "";
  }
  return (text.trim() || fallbackDescription(line)).slice(0, 500);
}

const DAY_MS = 86_400_000;

function invoiceMetadata(view: InvoiceView): Record<string, string> {
  return { hamkal_invoice_id: view.id, hamkal_tenant_id: view.tenantId, hamkal_invoice_number: view.number ?? "", hamkal_period: view.periodLabel };
}

/**
 * Mirrors a finalized invoice as a Stripe invoice (collection_method send_invoice, due as ours is),
 * one invoice item per line with its amount converted at this boundary (toStripeAmount), our number
 * as Stripe's number and our ids in the metadata; then finalizes it, so Stripe e-mails it with its
 * payment page as the account's invoice settings say. invoices.stripe_invoice_id records the mirror
 * (the immutability trigger leaves that column free).
 *
 * Idempotent at each step: the Stripe invoice is created with the key `hamkal-invoice-<id>` and its id
 * stored at once; a later run resumes from the stored id, adds only the items Stripe does not show yet
 * (matched by metadata hamkal_line_no, each created with its own key) and finalizes only a draft.
 * Credit notes, drafts, void invoices, invoices with nothing to collect and invoices already paid or
 * credited before their mirror ran are not mirrored; credit notes issued later are not synced to Stripe
 * (its invoice then asks for more than is owed, and the webhook refuses the overpayment: a person voids
 * or adjusts the Stripe invoice).
 */
export async function mirrorInvoice(tenantId: string, invoiceId: string, opts: StripeSyncOptions = {}): Promise<MirrorResult> {
  const client = need(opts);
  if (!client) return { status: "disabled" };
  const view = await withTenant(tenantId, (trx) => loadInvoiceView(trx, tenantId, invoiceId));
  if (!view) throw new StripeSyncError("invoiceNotFound", { tenantId, invoiceId });
  if (view.kind !== "invoice") return { status: "skipped", reason: "creditNote" };
  if (view.status === "draft") return { status: "skipped", reason: "notFinalized" };
  if (view.status === "void") return { status: "skipped", reason: "void" };
  if (view.total <= 0n) return { status: "skipped", reason: "nothingToCollect" };
  // Not yet mirrored but already (partly) paid by hand or credited: a Stripe invoice for the full total
  // would ask for money that is not owed. The mirror runs right after finalization, so this is rare.
  if (!view.stripeInvoiceId && (view.status === "paid" || view.balance !== view.total)) return { status: "skipped", reason: "paidOrCredited" };

  const customer = await ensureStripeCustomer(tenantId, { ...opts, client });
  const currency = view.currency.toLowerCase();
  // Converted before anything is created: an amount Stripe cannot represent exactly stops the mirror here.
  const items = view.lines.map((line) => ({ line, amount: toStripeAmount(line.amount, view.currency) }));
  const metadata = invoiceMetadata(view);
  const now = opts.now?.() ?? new Date();

  let stripeInvoiceId = view.stripeInvoiceId;
  if (!stripeInvoiceId) {
    const daysUntilDue = view.dueAt ? Math.max(1, Math.ceil((view.dueAt.getTime() - now.getTime()) / DAY_MS)) : 15;
    const created = await call(
      client,
      () =>
        client.invoices.create(
          {
            customer,
            collection_method: "send_invoice",
            days_until_due: daysUntilDue,
            currency,
            // Items are attached explicitly below; anything else pending on the customer stays out.
            pending_invoice_items_behavior: "exclude",
            auto_advance: false,
            ...(view.number ? { number: view.number } : {}),
            description: `${view.number ?? view.id} · ${view.periodLabel}`,
            metadata,
          },
          { idempotencyKey: `hamkal-invoice-${invoiceId}` },
        ),
      opts.retry,
    );
    stripeInvoiceId = created.id;
    await withTenant(tenantId, (trx) =>
      trx.updateTable("invoices").set({ stripe_invoice_id: created.id }).where("tenant_id", "=", tenantId).where("id", "=", invoiceId).where("stripe_invoice_id", "is", null).execute(),
    );
  }
  const sid = stripeInvoiceId;

  const remote = await call(client, () => client.invoices.retrieve(sid), opts.retry);
  if (remote.status !== "draft") return { status: "alreadyMirrored", stripeInvoiceId: sid, itemsCreated: 0 };

  // What a previous, interrupted run already attached (paged by hand so each page is paced like any call).
  const present = new Set<string>();
  for (let startingAfter: string | undefined; ; ) {
    const page = await call(client, () => client.invoices.listLineItems(sid, { limit: 100, ...(startingAfter ? { starting_after: startingAfter } : {}) }), opts.retry);
    for (const li of page.data) {
      const no = li.metadata?.hamkal_line_no;
      if (no) present.add(no);
    }
    if (!page.has_more || page.data.length === 0) break;
    startingAfter = page.data[page.data.length - 1]!.id;
  }
  const lng: Language = isLanguage(view.locale) ? view.locale : "fa";
  let itemsCreated = 0;
  for (const { line, amount } of items) {
    if (present.has(String(line.lineNo))) continue;
    const description = lineDescription(view, line, lng);
    await call(
      client,
      () =>
        client.invoiceItems.create(
          {
            customer,
            invoice: sid,
            amount,
            currency,
            description,
            period: { start: Math.floor(view.periodStart.getTime() / 1000), end: Math.floor(view.periodEnd.getTime() / 1000) },
            metadata: { ...metadata, hamkal_line_no: String(line.lineNo), hamkal_line_type: line.type, ...(line.kind ? { hamkal_kind: line.kind } : {}) },
          },
          { idempotencyKey: `hamkal-invoice-${invoiceId}-line-${line.lineNo}` },
        ),
      opts.retry,
    );
    itemsCreated++;
  }
  const finalized = await call(client, () => client.invoices.finalizeInvoice(sid, { auto_advance: true }, { idempotencyKey: `hamkal-invoice-${invoiceId}-finalize` }), opts.retry);
  const expected = toStripeAmount(view.total, view.currency);
  if (typeof finalized.total === "number" && finalized.total !== expected) {
    // Someone added to the Stripe draft by hand: ours stays the record, the difference is for a person to see.
    logger.error({ tenantId, invoiceId, stripeInvoiceId: sid, stripeTotal: finalized.total, expected }, "stripe invoice total differs from ours");
  }
  return { status: "mirrored", stripeInvoiceId: sid, itemsCreated };
}

// ---------------------------------------------------------------------------------------------------
// Job handlers (platform/queues.server.ts)

/** billing.stripe-usage, every 60 s: does nothing unless STRIPE_SECRET_KEY is set. */
export async function handleStripeUsageJob(): Promise<unknown> {
  if (!stripeEnabled()) return { status: "disabled" };
  return reportAllUsage();
}

/**
 * billing.stripe-invoice: mirror one invoice. A refusal Stripe will repeat (bad request, auth, an
 * amount it cannot take) fails the job at once instead of spending its retries; anything else is
 * thrown for BullMQ to retry with backoff.
 */
export async function handleStripeInvoiceJob(job: StripeInvoiceJob, opts: StripeSyncOptions = {}): Promise<MirrorResult> {
  try {
    return await mirrorInvoice(job.tenantId, job.invoiceId, opts);
  } catch (err) {
    if (isPermanentStripeError(err) || err instanceof StripeSyncError || err instanceof StripeMoneyError) {
      logger.error({ err, ...job }, "stripe invoice mirror refused");
      throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
    }
    throw err;
  }
}
