// Bundles the web server entry and the workers into build/node with esbuild (dependencies stay external).
import { build } from "esbuild";

await build({
  entryPoints: { server: "server/index.ts", workers: "workers/index.ts" },
  outdir: "build/node",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
console.log("built build/node/server.js and build/node/workers.js");
