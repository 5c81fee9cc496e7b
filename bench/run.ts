import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * npm run bench -- <name>   runs bench/<name>.ts (its default export).
 * Each benchmark measures its own baseline in the same run and prints the ratio to it, so figures
 * from different machines are compared by ratio, not by absolute numbers.
 */
const dir = path.dirname(fileURLToPath(import.meta.url));
const available = (await readdir(dir)).filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_")).map((f) => f.slice(0, -3));
const name = process.argv[2];

if (!name || !available.includes(name)) {
  console.error(`${name ? `Unknown benchmark "${name}". ` : ""}Usage: npm run bench -- <name>\nAvailable: ${available.join(", ")}`);
  process.exit(2);
}

const mod = (await import(pathToFileURL(path.join(dir, `${name}.ts`)).href)) as { default: (args: string[]) => Promise<void> };
try {
  await mod.default(process.argv.slice(3));
} catch (err) {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
}
