// Bundles the process entries (web, workers, migrate, seed) into build/node with esbuild; dependencies stay external.
import { build } from "esbuild";

await build({
  entryPoints: { server: "app/processes/web.ts", workers: "workers/index.ts", migrate: "db/migrate.ts", seed: "db/seed.ts" },
  outdir: "build/node",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
console.log("built build/node/{server,workers,migrate,seed}.js");
