import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { migrations } from "../../db/migrations/index";

it("registers every migration file in db/migrations/index.ts", () => {
  const files = fs
    .readdirSync(path.resolve("db/migrations"))
    .filter((f) => /^\d{10}_.+\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ""))
    .sort();
  expect(Object.keys(migrations).sort()).toEqual(files);
});
