import { describe, expect, it } from "vitest";
import { decodeCursor, dispositionSetSchema, encodeCursor, interactionListQuerySchema, noteCreateSchema, parseTimeBound } from "~/modules/api/routing-schemas";

describe("interaction list query", () => {
  it("round-trips the cursor to the microsecond and refuses anything else", () => {
    const cursor = { startedAt: "2026-03-22T10:00:00.123456Z", id: "0b6f7c1e-9d2a-4c3b-8e4f-5a6b7c8d9e0f" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor("abc")).toBeNull();
    expect(decodeCursor(Buffer.from("2026-03-22T10:00:00Z|x").toString("base64url"))).toBeNull();
    expect(decodeCursor("not base64!")).toBeNull();
  });

  it("reads days and instants with an offset, and refuses impossible or zone-less ones", () => {
    expect(parseTimeBound("2026-03-21")).toEqual({ kind: "date", value: "2026-03-21" });
    expect(parseTimeBound("2026-03-21T08:30:00+03:30")).toEqual({ kind: "instant", value: "2026-03-21T08:30:00+03:30" });
    expect(parseTimeBound("2026-03-21T08:30Z")).toMatchObject({ kind: "instant" });
    for (const bad of ["2026-02-30", "2026-03-21T08:30:00", "yesterday", "2026-13-01T00:00:00Z"]) expect(parseTimeBound(bad), bad).toBeNull();
  });

  it("defaults the limit and names each bad parameter", () => {
    expect(interactionListQuerySchema.parse({})).toEqual({ limit: 50 });
    const r = interactionListQuerySchema.safeParse({ state: "ringing", queueId: "q1", from: "x", limit: "500" });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path[0]).sort()).toEqual(["from", "limit", "queueId", "state"]);
    expect(interactionListQuerySchema.parse({ state: "callback", queueId: "0B6F7C1E-9D2A-4C3B-8E4F-5A6B7C8D9E0F" })).toMatchObject({
      state: "callback",
      queueId: "0b6f7c1e-9d2a-4c3b-8e4f-5a6b7c8d9e0f",
    });
  });
});

describe("note and disposition bodies", () => {
  it("trims a note and bounds it to 1-4000 characters", () => {
    expect(noteCreateSchema.parse({ body: "  hi " })).toEqual({ body: "hi" });
    for (const body of ["", "   ", "x".repeat(4001), 7]) expect(noteCreateSchema.safeParse({ body }).success).toBe(false);
    expect(noteCreateSchema.safeParse({ body: "x".repeat(4000) }).success).toBe(true);
  });

  it("needs a disposition id and defaults the notes", () => {
    expect(dispositionSetSchema.parse({ dispositionId: "0B6F7C1E-9D2A-4C3B-8E4F-5A6B7C8D9E0F" })).toEqual({
      dispositionId: "0b6f7c1e-9d2a-4c3b-8e4f-5a6b7c8d9e0f",
      notes: "",
    });
    const r = dispositionSetSchema.safeParse({ dispositionId: "refund", notes: 3 });
    expect(r.error!.issues.map((i) => i.path[0]).sort()).toEqual(["dispositionId", "notes"]);
  });
});
