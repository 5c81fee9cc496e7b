import { describe, expect, it } from "vitest";
import { combineCurves, combineInterval, poolsFromEligibility, type QueueLoad } from "~/modules/wfm/combine";
import { agentsRequired } from "~/modules/wfm/erlang";

const q = (queueId: string, over: Partial<QueueLoad> = {}): QueueLoad => ({
  queueId,
  contacts: 100,
  ahtSeconds: 180,
  targetServiceLevel: 0.8,
  thresholdSeconds: 20,
  ...over,
});

describe("poolsFromEligibility", () => {
  it("joins queues that share an agent, across tenants", () => {
    const pools = poolsFromEligibility(["a", "b", "c", "d", "e"], [["a", "b"], ["b", "c"], ["d"], ["x"]]);
    expect(pools.map((p) => [...p].sort())).toEqual([["a", "b", "c"], ["d"], ["e"]]);
  });
});

describe("combineInterval", () => {
  it("sizes each queue alone by default", () => {
    const r = combineInterval(1800, [q("a"), q("b", { contacts: 50 })]);
    expect(r.pools).toHaveLength(2);
    expect(r.queues.map((x) => x.agents)).toEqual([14, agentsRequired({ ...q("b", { contacts: 50 }), intervalSeconds: 1800 }).agents]);
    expect(r.pools.every((p) => p.poolingFactor === 1)).toBe(true);
  });

  it("pools shared queues: the Erlang of the summed load, split in proportion to standalone needs", () => {
    const r = combineInterval(1800, [q("a"), q("b")], [["a", "b"]]);
    const pool = r.pools[0]!;
    expect(pool.standaloneAgents).toBe(28);
    // Same AHT and target: the pool is exactly one queue of 200 contacts.
    expect(pool.pooledAgents).toBe(agentsRequired({ ...q("ab", { contacts: 200 }), intervalSeconds: 1800 }).agents);
    expect(pool.pooledAgents).toBeLessThan(28);
    expect(pool.poolingFactor).toBeCloseTo(pool.pooledAgents / 28, 12);
    expect(r.queues[0]!.agents).toBeCloseTo(pool.pooledAgents / 2, 12);
    expect(r.queues[0]!.standalone.agents).toBe(14);
    expect(pool.serviceLevels.a).toBeGreaterThanOrEqual(0.8);
  });

  it("meets the strictest target in the pool, and never needs more than dedicated teams", () => {
    const strict = q("vip", { contacts: 4, targetServiceLevel: 0.99, thresholdSeconds: 5 });
    const lax = q("bulk", { contacts: 400, targetServiceLevel: 0.5, thresholdSeconds: 120, ahtSeconds: 300 });
    const r = combineInterval(1800, [strict, lax], [["vip", "bulk"]]);
    const pool = r.pools[0]!;
    expect(pool.pooledAgents).toBeLessThanOrEqual(pool.standaloneAgents);
    const sum = r.queues.reduce((s, x) => s + x.agents, 0);
    expect(sum).toBeCloseTo(pool.pooledAgents, 9);
    // Mixed AHTs: the pool runs at the workload-weighted mean AHT.
    const mixed = combineInterval(1800, [q("a", { ahtSeconds: 120 }), q("b", { ahtSeconds: 360, contacts: 60 })], [["a", "b"]]);
    expect(mixed.pools[0]!.pooledAgents).toBeLessThan(mixed.pools[0]!.standaloneAgents);
    expect(Object.values(mixed.pools[0]!.serviceLevels).every((sl) => sl >= 0.8)).toBe(true);
  });

  it("pools queues with patience with Erlang A", () => {
    const r = combineInterval(1800, [q("a", { patienceSeconds: 120 }), q("b", { patienceSeconds: 60 })], [["a", "b"]]);
    expect(r.queues[0]!.standalone.model).toBe("erlangA");
    expect(r.pools[0]!.pooledAgents).toBeLessThanOrEqual(r.pools[0]!.standaloneAgents);
    expect(r.pools[0]!.serviceLevels.b).toBeGreaterThanOrEqual(0.8);
  });

  it("needs nobody for an idle pool and respects the occupancy cap", () => {
    const idle = combineInterval(1800, [q("a", { contacts: 0 }), q("b", { contacts: 0 })], [["a", "b"]]);
    expect(idle.pools[0]).toMatchObject({ standaloneAgents: 0, pooledAgents: 0, poolingFactor: 1 });
    const capped = combineInterval(1800, [q("a", { maxOccupancy: 0.7 }), q("b")], [["a", "b"]]);
    expect(20 / capped.pools[0]!.pooledAgents).toBeLessThanOrEqual(0.7);
  });
});

describe("combineCurves", () => {
  it("combines a curve interval by interval", () => {
    const curve = (queueId: string, volumes: number[]) => ({ queueId, targetServiceLevel: 0.8, thresholdSeconds: 20, intervals: volumes.map((contacts) => ({ contacts, ahtSeconds: 180 })) });
    const r = combineCurves(1800, [curve("a", [0, 100, 200]), curve("b", [0, 100, 50])], [["a", "b"]]);
    expect(r.queues[0]!.standalone).toEqual([0, 14, agentsRequired({ ...q("a", { contacts: 200 }), intervalSeconds: 1800 }).agents]);
    expect(r.pools[0]!.pooled[0]).toBe(0);
    expect(r.pools[0]!.pooled[1]).toBe(agentsRequired({ ...q("a", { contacts: 200 }), intervalSeconds: 1800 }).agents);
    for (let t = 0; t < 3; t++) expect(r.queues[0]!.agents[t]! + r.queues[1]!.agents[t]!).toBeCloseTo(r.pools[0]!.pooled[t]!, 9);
  });
});
