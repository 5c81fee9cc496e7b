import type { Auth } from "../auth/guards.server";
import type { Tenant } from "../tenancy/tenants.server";
import type { EventsByChannelKind } from "./channels";

/**
 * Where a stream's opening state comes from, without the SSE routes knowing who computes it: the
 * module owning the state (routing for agent states and offers, reports for queue stats) registers
 * a provider, the route asks `snapshotFor`. A provider runs after the route's permission check and
 * gets the signed-in user (and the tenant for a tenant stream), so it can narrow what it returns.
 *
 * Registration happens at import time of the providing module, so that module must be imported by
 * something the server always loads (app/entry.server.tsx, or the page route that opens the stream).
 */

export interface SnapshotContexts {
  agent: { auth: Auth };
  floor: { auth: Auth };
  tenant: { auth: Auth; tenant: Tenant };
}

export type SnapshotKind = keyof SnapshotContexts;
export type SnapshotProvider<K extends SnapshotKind> = (ctx: SnapshotContexts[K]) => Promise<readonly EventsByChannelKind[K][]>;

type Registry = { [K in SnapshotKind]: Map<string, SnapshotProvider<K>> };

// On globalThis so providers registered by Vite-loaded modules in dev are seen by every route copy.
const KEY = Symbol.for("hamkal.realtime.snapshots");
type Holder = { [KEY]?: Registry };

function registry(): Registry {
  return ((globalThis as Holder)[KEY] ??= { agent: new Map(), floor: new Map(), tenant: new Map() });
}

/**
 * Registers (or with null removes) the provider `source` for a stream kind. Several sources may
 * serve one kind (agent states from routing, contacts from interactions); the snapshot is their
 * events in registration order. Registering a source again replaces it (module reloads in dev).
 */
export function setSnapshotProvider<K extends SnapshotKind>(kind: K, provider: SnapshotProvider<K> | null, source = "default"): void {
  const providers = registry()[kind] as Map<string, SnapshotProvider<K>>;
  if (provider) providers.set(source, provider);
  else providers.delete(source);
}

/** The `initial` of an event stream, or undefined when no module provides this kind yet. */
export function snapshotFor<K extends SnapshotKind>(kind: K, ctx: SnapshotContexts[K]): (() => Promise<readonly EventsByChannelKind[K][]>) | undefined {
  const providers = [...(registry()[kind] as Map<string, SnapshotProvider<K>>).values()];
  if (providers.length === 0) return undefined;
  return async () => (await Promise.all(providers.map((p) => p(ctx)))).flat();
}
