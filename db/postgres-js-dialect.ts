import { CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, type TransactionSettings } from "kysely";
import type { Sql } from "postgres";
import { PostgresJSDialect, type PostgresJSDialectConfig, PostgresJSDriver } from "kysely-postgres-js";

/**
 * kysely-postgres-js, made to fail fast when PostgreSQL goes away. Every Kysely query and transaction
 * runs on a connection it reserves from postgres.js (`sql.reserve()`), and postgres.js 3.4.9 mishandles a
 * reserved connection whose socket has closed (porsager/postgres#1208, #1195, unreleased fixes #1209):
 *
 * - the closed connection is not replaced under the reservation, so the next statement on it — the
 *   ROLLBACK Kysely sends after a statement failed with CONNECTION_CLOSED — is queued for a socket that
 *   is gone: its deferred write throws (see server/postgres-js-guard.ts) and the statement never settles,
 *   so the request hangs;
 * - releasing it puts the dead connection back among the open ones, where the next query hangs too;
 * - a reservation that waits while connections close and reconnect can be dropped and never settle.
 *
 * So: once a statement fails because the connection is gone, the connection refuses every further
 * statement with that same error (nothing more can reach that server session anyway: PostgreSQL rolls
 * back the transaction of a client that vanished, so nothing is half-written) and is not released
 * (postgres.js has already put it among its closed connections, from which it reconnects). And waiting
 * for a connection is bounded, so a request fails with a connection error instead of hanging. Normal
 * queries pay one flag check, and one timer per acquisition. Not covered: a connection that breaks off
 * while a transaction holds it between two statements (nothing failed yet, so the next one is sent and
 * lost, as described in server/postgres-js-guard.ts); the upstream fix covers that too.
 */
export interface FailFastConfig extends PostgresJSDialectConfig {
  postgres: Sql;
  /** True when an error means the connection broke off (db/client.ts: isDatabaseUnavailable). */
  isConnectionLost(error: unknown): boolean;
  /** The longest wait for a free connection before the query fails with CONNECT_TIMEOUT. */
  acquireTimeoutMs: number;
}

export class FailFastPostgresJSDialect extends PostgresJSDialect {
  constructor(private readonly config: FailFastConfig) {
    super(config);
  }

  override createDriver(): Driver {
    return new FailFastDriver(this.config);
  }
}

/** postgres.js's Kysely driver (kysely-postgres-js), with its connections wrapped. */
class FailFastDriver implements Driver {
  private readonly inner: PostgresJSDriver;

  constructor(private readonly config: FailFastConfig) {
    this.inner = new PostgresJSDriver(config);
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<FailFastConnection> {
    const reserving = this.inner.acquireConnection();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // If the reservation still arrives, hand it straight back so the pool does not shrink.
        reserving.then((late) => this.inner.releaseConnection(late), () => {});
        reject(Object.assign(new Error("no database connection became free in time"), { code: "CONNECT_TIMEOUT" }));
      }, this.config.acquireTimeoutMs);
    });
    try {
      return new FailFastConnection(await Promise.race([reserving, timedOut]), this.config.isConnectionLost);
    } finally {
      clearTimeout(timer);
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const guarded = connection as FailFastConnection;
    if (guarded.lost === null) await this.inner.releaseConnection(guarded.inner);
  }

  // Transactions are plain statements on the wrapped connection. Kysely's PostgresDriver versions cannot
  // be reused: its rollback marks a failed connection through a method only `pg` connections have, which
  // turns the connection error into a TypeError (a 500 instead of a 503).
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const options = [settings.isolationLevel && `isolation level ${settings.isolationLevel}`, settings.accessMode].filter(Boolean);
    await connection.executeQuery(CompiledQuery.raw(["start transaction", ...options].join(" ")));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("commit"));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }

  // A connection that broke off in the middle of a statement still counts that statement as running,
  // so a plain `end()` would wait for it forever; after 5 s the remaining connections are dropped.
  destroy(): Promise<void> {
    return this.config.postgres.end({ timeout: 5 });
  }
}

class FailFastConnection implements DatabaseConnection {
  /** The error that showed the connection is gone; null while it works. */
  lost: unknown = null;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly isConnectionLost: (error: unknown) => boolean,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.lost !== null) throw this.lost;
    try {
      return await this.inner.executeQuery<R>(query);
    } catch (error) {
      this.noteFailure(error);
      throw error;
    }
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    if (this.lost !== null) throw this.lost;
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize);
    } catch (error) {
      this.noteFailure(error);
      throw error;
    }
  }

  private noteFailure(error: unknown): void {
    if (this.isConnectionLost(error)) this.lost = error;
  }
}
