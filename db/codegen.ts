import { execFileSync } from "node:child_process";
import { loadDotenvFile, loadEnv, ownerDatabaseUrl } from "../app/modules/platform/env.server";

// Types come from the migrated database, never by hand: `npm run db:migrate && npm run db:codegen`.
loadDotenvFile();
const url = ownerDatabaseUrl(loadEnv());
execFileSync(
  "npx",
  ["kysely-codegen", "--dialect", "postgres", "--url", url, "--out-file", "db/types.ts", "--exclude-pattern", "kysely_*"],
  { stdio: "inherit" },
);
