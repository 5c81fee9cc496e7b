// Bundles the process entries (web, workers, migrate, seed) into build/node with esbuild; dependencies stay external.
import path from "node:path";
import { build } from "esbuild";

// resources.ts gathers locales/ with Vite's import.meta.glob, which only exists in Vite builds: in these
// Node bundles (the workers run the routing timer and the demo traffic, both reaching i18n) it reads the
// same files from disk instead, as resources.node.server.ts does.
const localesFromDisk = {
  name: "locales-from-disk",
  setup(b) {
    b.onLoad({ filter: /[\\/]app[\\/]modules[\\/]i18n[\\/]resources\.ts$/ }, (args) => ({
      contents: 'import { loadResourcesFromDisk } from "./resources.node.server";\nexport const resources = loadResourcesFromDisk();\n',
      loader: "ts",
      resolveDir: path.dirname(args.path),
    }));
  },
};

await build({
  // The roster solver runs in a worker thread of its own (app/modules/wfm/roster-solve.server.ts).
  entryPoints: { server: "app/processes/web.ts", workers: "workers/index.ts", migrate: "db/migrate.ts", seed: "db/seed.ts", "roster-thread": "app/modules/wfm/roster-thread.ts" },
  outdir: "build/node",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
  plugins: [localesFromDisk],
});
console.log("built build/node/{server,workers,migrate,seed,roster-thread}.js");
