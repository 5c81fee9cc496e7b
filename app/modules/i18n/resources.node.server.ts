import fs from "node:fs";
import path from "node:path";
import type { Resource } from "i18next";

/** The same resources as resources.ts, read from disk, for code that Vite does not bundle (workers, scripts). */
export function loadResourcesFromDisk(root = path.resolve(process.cwd(), "locales")): Resource {
  const out: Resource = {};
  for (const lang of fs.readdirSync(root)) {
    const dir = path.join(root, lang);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json"))) {
      (out[lang] ??= {})[file.replace(/\.json$/, "")] = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
    }
  }
  return out;
}
