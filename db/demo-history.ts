import { sql, type Kysely, type Transaction } from "kysely";
import type { DB } from "./types";
import { mulberry32 } from "../app/modules/platform/random";

/**
 * Thirty days of contact history for the demo tenants, so the customer 360 view, the wallboard's
 * figures and later reports are not empty on a fresh demo. Deterministic (a seeded generator), so two
 * fresh demos look alike; idempotent (a tenant that already has routed contacts is skipped).
 *
 * Shape: calls arrive in the tenant's business hours (peaks late morning and late afternoon, quiet
 * Thursdays, almost none on Friday), go through the published IVR into one of the tenant's queues,
 * wait (exponential, around 25 s), are answered by an agent serving that queue (about 88%) or
 * abandoned, talk one to seven minutes, and are wrapped up with a disposition and often a note.
 * A pool of customers per tenant calls repeatedly, so repeat contacts exist.
 */
type Trx = Kysely<DB> | Transaction<DB>;


const FIRST = ["علی", "مریم", "رضا", "زهرا", "حسین", "فاطمه", "مهدی", "سارا", "امیر", "نرگس", "محمد", "الهام", "سعید", "لیلا", "حمید", "نازنین", "کاوه", "شیرین", "بهرام", "پریسا"];
const LAST = ["احمدی", "محمدی", "رضایی", "حسینی", "کریمی", "موسوی", "جعفری", "صادقی", "رحیمی", "کاظمی", "نوری", "قاسمی", "اکبری", "شریفی", "یزدانی", "طاهری"];
const NOTES = [
  "مشتری درباره‌ی کسر اعتبار پرسید؛ توضیح داده شد.",
  "راهنمایی برای فعال‌سازی بسته انجام شد.",
  "مشکل با راه‌اندازی مجدد برطرف شد.",
  "درخواست به واحد فنی ارجاع شد.",
  "مشتری ناراضی بود؛ پیگیری تا فردا قول داده شد.",
  "اطلاعات حساب به‌روزرسانی شد.",
  "شماره‌ی پیگیری به مشتری اعلام شد.",
  "مشتری تماس را پیش از پایان قطع کرد.",
];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Tehran is UTC+3:30 all year (no DST since 2022): local wall time to UTC. */
const tehranToUtc = (y: number, m: number, d: number, minutes: number) => new Date(Date.UTC(y, m, d, 0, 0) - 3.5 * HOUR + minutes * MINUTE);

export interface HistoryOptions {
  days?: number;
  now?: Date;
  /** Average calls on a full working day per tenant. */
  callsPerDay?: number;
}

export async function seedHistory(trx: Trx, tenantIdsBySlug: ReadonlyMap<string, string>, opts: HistoryOptions = {}): Promise<number> {
  const days = opts.days ?? 30;
  const now = opts.now ?? new Date();
  const perDay = opts.callsPerDay ?? 60;
  let total = 0;
  for (const [slug, tenantId] of tenantIdsBySlug) {
    const done = await trx.selectFrom("routing_contacts").select("id").where("tenant_id", "=", tenantId).limit(1).executeTakeFirst();
    if (done) continue;
    const rand = mulberry32([...slug].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7));
    const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
    const queues = await trx.selectFrom("queues").select(["id", "key", "sl_threshold_seconds", "priority"]).where("tenant_id", "=", tenantId).execute();
    if (queues.length === 0) continue;
    const members = await trx.selectFrom("agent_queue_assignments").select(["queue_id", "agent_id"]).where("tenant_id", "=", tenantId).execute();
    const dispositions = await trx
      .selectFrom("dispositions as d")
      .select(["d.id", "d.resolved"])
      .where("d.tenant_id", "=", tenantId)
      .where("d.active", "=", true)
      .where((eb) => eb.not(eb.exists(eb.selectFrom("dispositions as c").select("c.id").whereRef("c.parent_id", "=", "d.id"))))
      .execute();
    const flow = await trx
      .selectFrom("ivr_flow_versions")
      .select(["flow_id", "version"])
      .where("tenant_id", "=", tenantId)
      .where("status", "=", "published")
      .executeTakeFirst();
    const number = await trx.selectFrom("tenant_phone_numbers").select(["id", "e164"]).where("tenant_id", "=", tenantId).orderBy("e164").executeTakeFirst();

    // The customer pool: a few heavy callers, many occasional ones.
    const customers = await trx
      .insertInto("customers")
      .values(
        Array.from({ length: 120 }, (_, i) => ({
          tenant_id: tenantId,
          phone: `+98912${String(1_000_000 + ((i * 7919 + slug.length * 104729) % 8_999_999)).padStart(7, "0")}`,
          name: `${pick(FIRST)} ${pick(LAST)}`,
        })),
      )
      .onConflict((oc) => oc.columns(["tenant_id", "phone"]).where("phone", "is not", null).doNothing())
      .returning(["id", "phone"])
      .execute();
    if (customers.length === 0) continue;

    type Row = { interaction: Record<string, unknown>; contact: Record<string, unknown>; events: { type: string; at: Date; data: Record<string, unknown> }[]; note: string | null };
    const rows: Row[] = [];
    const today = new Date(now.getTime() + 3.5 * HOUR);
    for (let back = days; back >= 1; back--) {
      const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - back));
      const weekday = day.getUTCDay();
      const load = weekday === 5 ? 0.05 : weekday === 4 ? 0.5 : 1;
      const count = Math.round(perDay * load * (0.8 + rand() * 0.4));
      for (let n = 0; n < count; n++) {
        // Two peaks: around 11:00 and 17:00 Tehran time, within 08:00-20:00.
        const peak = rand() < 0.55 ? 11 * 60 : 17 * 60;
        const minute = Math.min(20 * 60 - 10, Math.max(8 * 60, Math.round(peak + (rand() + rand() + rand() - 1.5) * 150)));
        const startedAt = tehranToUtc(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), minute + rand());
        const queue = pick(queues);
        const agents = members.filter((m) => m.queue_id === queue.id).map((m) => m.agent_id);
        const customer = rand() < 0.35 ? customers[Math.floor(rand() * 10)]! : pick(customers);
        const ivrSeconds = 15 + Math.floor(rand() * 45);
        const enqueuedAt = new Date(startedAt.getTime() + ivrSeconds * 1000);
        const wait = Math.round(-Math.log(1 - rand()) * 25);
        const answered = agents.length > 0 && rand() < 0.88;
        const base = {
          tenant_id: tenantId,
          direction: "inbound",
          provider: "simulator",
          from_number: customer.phone,
          to_number: number?.e164 ?? null,
          phone_number_id: number?.id ?? null,
          flow_id: flow?.flow_id ?? null,
          flow_version: flow?.version ?? null,
          language: rand() < 0.92 ? "fa" : "en",
          customer_id: customer.id,
          queue_id: queue.id,
          started_at: startedAt,
          queued_at: enqueuedAt,
        };
        const events: Row["events"] = [
          { type: "call.started", at: startedAt, data: { to: number?.e164 ?? null } },
          { type: "routing.queued", at: enqueuedAt, data: { queueKey: queue.key, history: true } },
        ];
        if (!answered) {
          const endedAt = new Date(enqueuedAt.getTime() + wait * 1000);
          events.push({ type: "routing.abandoned", at: endedAt, data: {} }, { type: "call.ended", at: endedAt, data: { status: "completed" } });
          rows.push({
            interaction: { ...base, state: "abandoned", ended_at: endedAt },
            contact: { status: "abandoned", enqueued_at: enqueuedAt, ended_at: endedAt, queue, agent: null },
            events,
            note: null,
          });
          continue;
        }
        const agent = pick(agents);
        const connectedAt = new Date(enqueuedAt.getTime() + wait * 1000);
        const talk = 60 + Math.floor(rand() * 360);
        const endedAt = new Date(connectedAt.getTime() + talk * 1000);
        const disposition = dispositions.length ? (rand() < 0.8 ? (dispositions.find((d) => d.resolved && rand() < 0.5) ?? pick(dispositions)) : pick(dispositions)) : null;
        const note = rand() < 0.6 ? pick(NOTES) : null;
        events.push(
          { type: "routing.offered", at: new Date(connectedAt.getTime() - 3000), data: { agentId: agent } },
          { type: "routing.connected", at: connectedAt, data: { agentId: agent } },
          { type: "contact.ended", at: endedAt, data: { agentId: agent, why: "agent" } },
          { type: "call.ended", at: endedAt, data: { status: "completed", durationSeconds: ivrSeconds + wait + talk } },
        );
        if (disposition) events.push({ type: "contact.disposed", at: new Date(endedAt.getTime() + 30_000), data: { agentId: agent, dispositionId: disposition.id } });
        rows.push({
          interaction: {
            ...base,
            state: "completed",
            agent_id: agent,
            answered_at: connectedAt,
            wrapup_at: endedAt,
            ended_at: endedAt,
            disposition_id: disposition?.id ?? null,
            wrapup_notes: note ?? "",
          },
          contact: { status: "completed", enqueued_at: enqueuedAt, connected_at: connectedAt, ended_at: endedAt, queue, agent },
          events,
          note,
        });
      }
    }

    for (let i = 0; i < rows.length; i += 400) {
      const batch = rows.slice(i, i + 400);
      const ids = await trx
        .insertInto("interactions")
        .values(batch.map((r) => ({ ...(r.interaction as object), event_seq: r.events.length }) as never))
        .returning("id")
        .execute();
      await trx
        .insertInto("routing_contacts")
        .values(
          batch.map((r, j) => {
            const c = r.contact as { status: string; enqueued_at: Date; connected_at?: Date; ended_at: Date; queue: (typeof queues)[number]; agent: string | null };
            return {
              tenant_id: tenantId,
              interaction_id: ids[j]!.id,
              queue_id: c.queue.id,
              status: c.status,
              priority: c.queue.priority,
              sl_threshold_seconds: c.queue.sl_threshold_seconds,
              enqueued_at: c.enqueued_at,
              offered_agent_id: c.agent,
              offered_at: c.connected_at ? new Date(c.connected_at.getTime() - 3000) : null,
              connected_at: c.connected_at ?? null,
              ended_at: c.ended_at,
            };
          }),
        )
        .execute();
      await trx
        .insertInto("interaction_events")
        .values(batch.flatMap((r, j) => r.events.map((e, k) => ({ tenant_id: tenantId, interaction_id: ids[j]!.id, seq: k + 1, type: e.type, at: e.at, data: JSON.stringify(e.data) }))))
        .execute();
      const notes = batch.flatMap((r, j) =>
        r.note ? [{ tenant_id: tenantId, interaction_id: ids[j]!.id, author_label: "history", body: r.note, created_at: (r.interaction as { ended_at: Date }).ended_at }] : [],
      );
      if (notes.length) await trx.insertInto("interaction_notes").values(notes).execute();
    }
    // A few promised callbacks still open, for the 360 view.
    const open = customers.slice(0, 4);
    await trx
      .insertInto("callback_tasks")
      .values(open.map((c, i) => ({ tenant_id: tenantId, customer_id: c.id, queue_id: queues[0]!.id, number: c.phone!, reason: "agent", note: NOTES[i]!, due_at: sql<Date>`now() + make_interval(hours => ${24 + i * 6})` })))
      .execute();
    total += rows.length;
  }
  return total;
}
