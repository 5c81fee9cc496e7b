import { describe, expect, it } from "vitest";
import { dialTargetOf } from "~/modules/telephony/endpoints";

describe("agent endpoints", () => {
  it("reads SIP URIs, softphone clients and phone numbers", () => {
    expect(dialTargetOf("sip:agent01@pbx.hamkal.example")).toEqual({ target: "sip", address: "sip:agent01@pbx.hamkal.example" });
    expect(dialTargetOf(" client:agent01 ")).toEqual({ target: "client", address: "agent01" });
    expect(dialTargetOf("+982188001234")).toEqual({ target: "number", address: "+982188001234" });
  });

  it("refuses anything else", () => {
    for (const bad of ["", "agent01", "sip:", "sip:no-at-sign", "client:", "client:has space", "09121234567", "+0123"]) expect(dialTargetOf(bad)).toBeNull();
  });
});
