/**
 * Last-writer-wins per record, by version: the rule Excalidraw's collaboration applies to each element
 * (`shouldDiscardRemoteElement` in packages/excalidraw/data/reconcile.ts), made a strict total order so
 * that every replica, whatever order it sees the updates in, keeps the same winner.
 *
 * The order, from the first difference:
 *   1. the higher `version` wins;
 *   2. on equal version, the LOWER `versionNonce` wins (as Excalidraw);
 *   3. on equal version and nonce with different content (Excalidraw would take the remote one, which
 *      two replicas do not agree on), the record whose canonical JSON (keys sorted) is the smaller
 *      string, compared by UTF-16 code units, wins;
 *   4. identical content is one and the same state: the local copy is kept.
 *
 * Merging by "keep the winner" is then commutative, associative and idempotent (a max over a total
 * order), so replicas that have seen the same set of updates hold the same state. `isDeleted` plays no
 * part: a deletion is an ordinary edit (a tombstone with a higher version), which is how Excalidraw
 * keeps a stale update from resurrecting a deleted element.
 */

/** The fields every synchronised record carries (an Excalidraw element, a board page, a homework item). */
export interface Versioned {
  id: string;
  /** Starts at 1 and goes up by one with every edit. */
  version: number;
  /** Random integer drawn anew with every edit; breaks ties between concurrent edits of one version. */
  versionNonce: number;
  isDeleted: boolean;
}

/** Positive when `a` wins over `b`, negative when `b` wins, 0 when both are the same record state. */
export function compareVersioned(a: Versioned, b: Versioned): number {
  if (a === b) return 0;
  if (a.version !== b.version) return a.version > b.version ? 1 : -1;
  if (a.versionNonce !== b.versionNonce) return a.versionNonce < b.versionNonce ? 1 : -1;
  const jsonA = canonicalJson(a);
  const jsonB = canonicalJson(b);
  if (jsonA === jsonB) return 0;
  return jsonA < jsonB ? 1 : -1;
}

/** Whether a replica holding `local` (undefined: none yet) should replace it with `remote`. */
export function shouldAcceptRemote<T extends Versioned>(local: T | undefined, remote: T): boolean {
  return local === undefined || compareVersioned(remote, local) > 0;
}

/** Whether two copies are the same record state (same version, nonce and content). */
export function isSameState(a: Versioned, b: Versioned): boolean {
  return compareVersioned(a, b) === 0;
}

export interface MergeResult<T> {
  /** Winner per id, local records first, then ids seen only remotely. */
  byId: Map<string, T>;
  /** The remote records that replaced or added a record, one per id (the final winner), in arrival order. */
  accepted: T[];
}

/** Merges remote records into local ones by id with {@link shouldAcceptRemote}. */
export function mergeVersioned<T extends Versioned>(local: Iterable<T>, remote: Iterable<T>): MergeResult<T> {
  const byId = new Map<string, T>();
  for (const record of local) {
    const current = byId.get(record.id);
    if (shouldAcceptRemote(current, record)) byId.set(record.id, record);
  }
  const acceptedIds = new Set<string>();
  for (const record of remote) {
    if (shouldAcceptRemote(byId.get(record.id), record)) {
      byId.set(record.id, record);
      acceptedIds.add(record.id);
    }
  }
  const accepted = [...acceptedIds].map((id) => byId.get(id) as T);
  return { byId, accepted };
}

/**
 * A local edit: the record with `patch` applied, its version bumped by one and a fresh nonce, as
 * Excalidraw's `mutateElement` / `newElementWith` do.
 */
export function withEdit<T extends Versioned>(
  record: T,
  patch: Partial<Omit<T, "id" | "version" | "versionNonce">>,
  versionNonce: number,
): T {
  return { ...record, ...patch, version: record.version + 1, versionNonce };
}

/** A nonce as Excalidraw draws it (`randomInteger()`: an integer in [0, 2^31)). */
export function randomVersionNonce(random: () => number = Math.random): number {
  return Math.floor(random() * 2 ** 31);
}

/** JSON with object keys sorted at every depth, so equal values give equal strings on every replica. */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, nested: unknown) => {
      if (typeof nested !== "object" || nested === null || Array.isArray(nested)) return nested;
      const source = nested as Record<string, unknown>;
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(source).sort()) {
        // defineProperty, not assignment, so a key named "__proto__" stays an ordinary key.
        Object.defineProperty(sorted, key, { value: source[key], enumerable: true, writable: true, configurable: true });
      }
      return sorted;
    }) ?? "null"
  );
}
