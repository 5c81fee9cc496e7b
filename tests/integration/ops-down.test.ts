import { beforeAll, expect, it } from "vitest";
import { resetEnvCache } from "~/modules/platform/env.server";
import { healthResponse } from "~/modules/platform/ops.server";

// Each test file runs in its own process, so pointing Redis at a closed port here affects only this file.
beforeAll(() => {
  process.env.REDIS_URL = "redis://127.0.0.1:1/0";
  resetEnvCache();
});

it("answers 503 and names what is down", async () => {
  const r = await healthResponse();
  expect(r.status).toBe(503);
  expect(JSON.parse(r.body)).toEqual({ status: "degraded", db: "ok", redis: "down" });
});
