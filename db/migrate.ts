import { loadDotenvFile, loadEnv, ownerDatabaseUrl } from "../app/modules/platform/env.server";
import { migrate, type MigrateDirection } from "./migrator";

// npm run db:migrate            -> to latest
// npm run db:migrate -- down    -> one step down
// npm run db:migrate -- up      -> one step up
const arg = (process.argv[2] ?? "latest") as MigrateDirection;
if (!["latest", "up", "down"].includes(arg)) {
  console.error(`Unknown direction "${arg}": use latest, up or down`);
  process.exit(2);
}
loadDotenvFile();
const env = loadEnv();
migrate({ ownerUrl: ownerDatabaseUrl(env), appUrl: env.DATABASE_URL, direction: arg, log: (l) => console.log(l) })
  .then(() => console.log("migrations done"))
  .catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
