import { db } from "../platform/db.server";
import type { Language } from "../i18n/config";

export async function setUserLocale(userId: string, locale: Language) {
  await db().updateTable("users").set({ locale, updated_at: new Date() }).where("id", "=", userId).execute();
}
