import { sql } from "kysely";
import { db, type Executor } from "../platform/db.server";
import { loadEnv } from "../platform/env.server";

export interface OutboxAttachmentInfo {
  /** Its position in the mail: the download URL names it. */
  index: number;
  filename: string;
  contentType: string;
  size: number;
}

export interface OutboxMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  kind: string;
  createdAt: Date;
  attachments: OutboxAttachmentInfo[];
}

/** The latest mails kept by MAIL_TRANSPORT=outbox, newest first. */
export async function listOutbox(executor: Executor = db(), limit = 50): Promise<OutboxMail[]> {
  const rows = await executor
    .selectFrom("mail_outbox")
    .select(["id", "to_address", "subject", "text_body", "kind", "created_at"])
    // The list names the attachments; their bytes stay in the database until one is downloaded.
    .select(
      sql<{ filename: string; contentType: string; size: number }[]>`(
        select coalesce(jsonb_agg(jsonb_build_object('filename', a->>'filename', 'contentType', a->>'contentType', 'size', (a->>'size')::bigint) order by n), '[]'::jsonb)
        from jsonb_array_elements(mail_outbox.attachments) with ordinality as x(a, n))`.as("attachments"),
    )
    .orderBy("created_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    to: r.to_address,
    subject: r.subject,
    text: r.text_body,
    kind: r.kind,
    createdAt: r.created_at,
    attachments: r.attachments.map((a, index) => ({ index, filename: a.filename, contentType: a.contentType, size: Number(a.size) })),
  }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One attachment of an outbox mail with its bytes, or null (no such mail or position). */
export async function outboxAttachment(executor: Executor = db(), mailId: string, index: number): Promise<{ filename: string; contentType: string; content: Buffer } | null> {
  if (!UUID.test(mailId) || !Number.isSafeInteger(index) || index < 0 || index > 1000) return null;
  const row = await executor
    .selectFrom("mail_outbox")
    .select(sql<{ filename?: unknown; contentType?: unknown; contentBase64?: unknown } | null>`attachments -> ${index}::int`.as("attachment"))
    .where("id", "=", mailId)
    .executeTakeFirst();
  const a = row?.attachment;
  if (!a || typeof a.contentBase64 !== "string") return null;
  return {
    filename: typeof a.filename === "string" && a.filename ? a.filename : `attachment-${index + 1}`,
    contentType: typeof a.contentType === "string" && a.contentType ? a.contentType : "application/octet-stream",
    content: Buffer.from(a.contentBase64, "base64"),
  };
}

export function outboxEnabled() {
  return loadEnv().MAIL_TRANSPORT === "outbox";
}

/**
 * /dev/mail is public: it exists only when mail is kept in the outbox and DEV_MAILBOX allows it
 * (by default outside production; the demo turns it on). Otherwise anyone could ask for a reset of
 * any account and read the link there.
 */
export function devMailboxEnabled(): boolean {
  const env = loadEnv();
  return env.MAIL_TRANSPORT === "outbox" && (env.DEV_MAILBOX ?? env.NODE_ENV !== "production");
}

/**
 * An attachment as a download. Served as an attachment, never inline, whatever its type: the outbox
 * shows mail as it was sent and the bytes are not ours to trust in the app's origin.
 */
export function attachmentResponse(a: { filename: string; contentType: string; content: Buffer }): Response {
  const ascii = a.filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "");
  return new Response(new Uint8Array(a.content), {
    headers: {
      "content-type": a.contentType,
      "content-disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(a.filename)}`,
      "content-length": String(a.content.length),
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
