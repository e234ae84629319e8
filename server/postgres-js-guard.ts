/**
 * postgres.js 3.4.9 bug (porsager/postgres#1154, #1208; fix proposed in #1168/#1209, not released):
 * when a connection closes between a small write being queued and its setImmediate flush, the flush
 * calls `socket.write` on null and throws outside any promise — an uncaught exception that would take
 * the whole app down whenever PostgreSQL drops a connection. The statement of that write never settles
 * either. db/postgres-js-dialect.ts keeps Kysely from sending anything more on a connection whose
 * statement failed because it broke off (the usual case: the cut comes while a statement runs); what is
 * left is a connection that breaks off while a transaction holds it between two statements, whose next
 * statement is still lost here (its request waits until postgres.js reconnects that connection).
 * Remove this guard once postgres.js ships the fix.
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
