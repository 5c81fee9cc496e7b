import { describe, expect, it } from "vitest";
import { dummyHash, hashPassword, verifyPasswordEvenly } from "~/modules/auth/password.server";

async function ms(fn: () => Promise<unknown>, rounds = 3) {
  const started = performance.now();
  for (let i = 0; i < rounds; i++) await fn();
  return (performance.now() - started) / rounds;
}

describe("verifyPasswordEvenly", () => {
  it("checks a real hash", async () => {
    const h = await hashPassword("correct horse battery");
    expect(await verifyPasswordEvenly(h, "correct horse battery")).toBe(true);
    expect(await verifyPasswordEvenly(h, "wrong")).toBe(false);
  });

  it("spends the argon2 work when there is no hash (unknown account or no password set yet)", async () => {
    await dummyHash();
    const h = await hashPassword("correct horse battery");
    const withHash = await ms(() => verifyPasswordEvenly(h, "wrong"));
    const withoutHash = await ms(() => verifyPasswordEvenly(null, "wrong"));
    expect(await verifyPasswordEvenly(null, "")).toBe(false);
    expect(await verifyPasswordEvenly(undefined, "x")).toBe(false);
    // Same work either way. An early return is ~1000x faster, so a loose bound catches it without
    // failing when a loaded machine (CI, parallel test files) skews one of the two measurements.
    expect(withoutHash).toBeGreaterThan(withHash * 0.1);
  });
});
