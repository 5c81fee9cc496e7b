/**
 * The matching policy of the ACD. Pure and deterministic (ties break on ids), so the matcher in
 * Postgres, the simulator and the unit tests agree on who gets what.
 *
 * - A waiting contact goes to the eligible available agent who has been idle longest.
 * - A freed agent takes, across every tenant and queue it serves, the waiting contact with the
 *   highest priority, then the greatest SLA urgency (waited / service-level threshold), then the
 *   oldest.
 *
 * Eligible: the agent is assigned to the contact's queue (queue assignments imply the tenant), is not
 * a seat another tenant bought (dedicated), has every required skill at the queue's minimum
 * proficiency, and speaks the contact's language when the contact has one.
 */
export interface AgentCandidate {
  agentId: string;
  state: string;
  /** Epoch ms since the agent became available. */
  idleSince: number;
  /** "<tenantId>:<queueId>" keys, or queue ids when they are unique bureau-wide (uuids are). */
  queueIds: readonly string[];
  skills: readonly string[];
  languages: readonly string[];
  /** skill or language -> 1..5; a skill the agent has without a level counts as 3. */
  proficiency: Readonly<Record<string, number>>;
  /** The tenant that bought this agent as a dedicated seat: it then takes that tenant's contacts only. */
  dedicatedTo?: string | null;
}

export interface WaitingContact {
  contactId: string;
  tenantId: string;
  queueId: string;
  priority: number;
  /** Epoch ms. */
  enqueuedAt: number;
  slThresholdSeconds: number;
  requiredSkills: readonly string[];
  minProficiency: number;
  language: string | null;
}

export const DEFAULT_PROFICIENCY = 3;

function level(agent: AgentCandidate, skill: string): number {
  return agent.proficiency[skill] ?? DEFAULT_PROFICIENCY;
}

export function isEligible(agent: AgentCandidate, contact: WaitingContact): boolean {
  if (agent.state !== "available") return false;
  if (!agent.queueIds.includes(contact.queueId)) return false;
  if (agent.dedicatedTo && agent.dedicatedTo !== contact.tenantId) return false;
  for (const skill of contact.requiredSkills) {
    if (!agent.skills.includes(skill) || level(agent, skill) < contact.minProficiency) return false;
  }
  if (contact.language && !agent.languages.includes(contact.language)) return false;
  return true;
}

/** How far a contact is into its service-level threshold: 1 means it is exactly at the threshold. */
export function urgency(contact: WaitingContact, now: number): number {
  const waited = Math.max(0, now - contact.enqueuedAt) / 1000;
  return waited / Math.max(1, contact.slThresholdSeconds);
}

/** Orders contacts for a freed agent: priority, then urgency, then age, then id. */
export function compareContacts(a: WaitingContact, b: WaitingContact, now: number): number {
  return (
    b.priority - a.priority ||
    urgency(b, now) - urgency(a, now) ||
    a.enqueuedAt - b.enqueuedAt ||
    (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0)
  );
}

/** Orders agents for a waiting contact: longest idle first, then id. */
export function compareAgents(a: AgentCandidate, b: AgentCandidate): number {
  return a.idleSince - b.idleSince || (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0);
}

export function pickAgentForContact(contact: WaitingContact, agents: readonly AgentCandidate[]): AgentCandidate | null {
  let best: AgentCandidate | null = null;
  for (const agent of agents) {
    if (!isEligible(agent, contact)) continue;
    if (!best || compareAgents(agent, best) < 0) best = agent;
  }
  return best;
}

export function pickContactForAgent(agent: AgentCandidate, contacts: readonly WaitingContact[], now: number): WaitingContact | null {
  let best: WaitingContact | null = null;
  for (const contact of contacts) {
    if (!isEligible(agent, contact)) continue;
    if (!best || compareContacts(contact, best, now) < 0) best = contact;
  }
  return best;
}

/**
 * A whole assignment round (the timer's sweep, the simulator): contacts in policy order each take
 * the best remaining agent. Returns pairs; every agent and contact appears at most once.
 */
export function assignAll(
  contacts: readonly WaitingContact[],
  agents: readonly AgentCandidate[],
  now: number,
): { contact: WaitingContact; agent: AgentCandidate }[] {
  const free = new Map(agents.filter((a) => a.state === "available").map((a) => [a.agentId, a]));
  const ordered = [...contacts].sort((a, b) => compareContacts(a, b, now));
  const pairs: { contact: WaitingContact; agent: AgentCandidate }[] = [];
  for (const contact of ordered) {
    if (free.size === 0) break;
    const agent = pickAgentForContact(contact, [...free.values()]);
    if (!agent) continue;
    free.delete(agent.agentId);
    pairs.push({ contact, agent });
  }
  return pairs;
}
