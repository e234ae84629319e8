/**
 * WEB_CONCURRENCY app processes behind one port (node:cluster: the primary accepts connections and
 * hands them to the workers in turn). Everything the processes share lives in PostgreSQL: sessions,
 * the job queue (SKIP LOCKED), and socket.io rooms (the PostgreSQL adapter); sockets use WebSocket only,
 * so no request of a socket depends on reaching the process that saw its handshake.
 */
import cluster, { type Worker } from "node:cluster";

/** PGlite is a database inside one process's memory: a second process cannot open it. */
export const PGLITE_ONE_PROCESS =
  "WEB_CONCURRENCY above 1 needs PostgreSQL (DATABASE_URL): the embedded PGlite database belongs to one process. Unset WEB_CONCURRENCY, or set DATABASE_URL.";

/**
 * The primary: starts `count` workers, replaces any that dies, and stops them all on SIGTERM/SIGINT.
 * Resolves once every worker listens.
 */
export function superviseWorkers(count: number, log: (line: string) => void): Promise<void> {
  let stopping = false;
  const started = Date.now();
  const fork = () => cluster.fork();
  cluster.on("exit", (worker: Worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    log(`App process ${worker.process.pid} ended (${signal ?? `exit code ${code}`}); starting another.`);
    // A process that dies while starting would die again: do not spin.
    setTimeout(fork, Date.now() - started < 10_000 ? 2_000 : 0);
  });
  const listening = new Promise<void>((resolve) => {
    let n = 0;
    const onListening = () => {
      if (++n < count) return;
      cluster.off("listening", onListening);
      resolve();
    };
    cluster.on("listening", onListening);
  });
  for (let i = 0; i < count; i++) fork();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
      setTimeout(() => process.exit(1), 15_000).unref();
    });
  }
  return listening;
}
