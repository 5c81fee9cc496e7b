import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  server: { hmr: process.env.NODE_ENV === "test" ? false : undefined },
  build: { target: "es2022" },
  // Native server-only modules: never pre-bundle them for the browser.
  optimizeDeps: { exclude: ["@node-rs/argon2"] },
  plugins: [
    remix({
      ignoredRouteFiles: ["**/*.server.ts", "**/__*.*", "**/*.test.*"],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
    tsconfigPaths(),
  ],
});
