import type { Migration } from "kysely";
import * as m2026112201 from "./2026112201_foundation";
import * as m2026112202 from "./2026112202_ivr";
import * as m2026112203 from "./2026112203_special_hours";
import * as m2026112204 from "./2026112204_routing";
import * as m2026120301 from "./2026120301_event_seq";
import * as m2026120302 from "./2026120302_billing";
import * as m2026120303 from "./2026120303_billing_seats";
import * as m2026120304 from "./2026120304_wfm";
import * as m2026120305 from "./2026120305_campaigns";
import * as m2026120306 from "./2026120306_reports";

/**
 * Every migration, by name (timestamp order). A static list rather than a folder scan, so the same
 * migrations run under tsx, Vitest's global setup and the bundled production image alike.
 * tests/unit/migrations.test.ts fails when a file in this folder is missing here.
 */
export const migrations: Record<string, Migration> = {
  "2026112201_foundation": m2026112201,
  "2026112202_ivr": m2026112202,
  "2026112203_special_hours": m2026112203,
  "2026112204_routing": m2026112204,
  "2026120301_event_seq": m2026120301,
  "2026120302_billing": m2026120302,
  "2026120303_billing_seats": m2026120303,
  "2026120304_wfm": m2026120304,
  "2026120305_campaigns": m2026120305,
  "2026120306_reports": m2026120306,
};
