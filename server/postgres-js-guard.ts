/**
 * postgres.js 3.4.9 bug (porsager/postgres#1154, #1208; fix proposed in #1168/#1209, not released):
 * when a connection closes between a small write being queued and its setImmediate flush, the flush
 * calls `socket.write` on null and throws outside any promise — an uncaught exception that would take
 * the whole app down whenever PostgreSQL drops a connection. By then the connection's queries have
 * already been rejected with CONNECTION_CLOSED, so dropping the stale write is safe (the proposed fix
 * does exactly that). Remove this guard once postgres.js ships the fix.
 */
export function isPostgresJsClosedSocketWrite(error: unknown): boolean {
  return error instanceof TypeError && /reading 'write'/.test(error.message) && /nextWrite[\s\S]*postgres[/\\]src[/\\]connection\.js/.test(error.stack ?? "");
}

/** Survives only that bug; any other uncaught exception still ends the process, as Node would. */
export function guardPostgresJsClosedSocketWrite(onSwallowed: () => void): void {
  process.on("uncaughtException", (error) => {
    if (isPostgresJsClosedSocketWrite(error)) return onSwallowed();
    process.stderr.write(`${error.stack ?? String(error)}\n`);
    process.exit(1);
  });
}
