import { db, type Executor } from "../platform/db.server";
import { loadEnv } from "../platform/env.server";

export interface OutboxMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  kind: string;
  createdAt: Date;
}

/** The latest mails kept by MAIL_TRANSPORT=outbox, newest first. */
export async function listOutbox(executor: Executor = db(), limit = 50): Promise<OutboxMail[]> {
  const rows = await executor
    .selectFrom("mail_outbox")
    .select(["id", "to_address", "subject", "text_body", "kind", "created_at"])
    .orderBy("created_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, to: r.to_address, subject: r.subject, text: r.text_body, kind: r.kind, createdAt: r.created_at }));
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
