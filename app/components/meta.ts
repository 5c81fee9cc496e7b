/**
 * Page title for meta: "<title> · <app name>", the title computed by the loader with getT and the
 * app's name in the reader's language from the root loader ("همکال" in Persian).
 */
export function titleMeta(data: { title?: string } | undefined, matches: readonly { id: string; data?: unknown }[] = []) {
  const app = (matches.find((m) => m.id === "root")?.data as { appName?: string } | undefined)?.appName ?? "Hamkal";
  return [{ title: data?.title ? `${data.title} · ${app}` : app }];
}
