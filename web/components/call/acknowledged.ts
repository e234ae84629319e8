import type { Socket } from "socket.io-client";

export interface Ack {
  ok: boolean;
  error?: string;
  message?: string;
  data?: unknown;
}

/** How long one attempt waits for the server's answer, and the pause before the next attempt. */
export const ACK_TIMEOUT_MS = 4_000;
export const RETRY_PAUSE_MS = 1_500;
/** Answers that mean "not now" rather than "no": worth another attempt once the link is back. */
const RETRYABLE = new Set(["INTERNAL", "RATE_LIMITED", "NOT_IN_CALL", "TIMEOUT"]);

/**
 * Sends a call action until the server acknowledges it. While it is not acknowledged, `onProblem` says so
 * in words the user reads ("… — retrying"); a refusal that will not change (forbidden, invalid) stops
 * with the server's message. `stillWanted` lets the caller give up (the page left the call).
 */
export async function emitAcknowledged(
  socket: Socket,
  event: string,
  payload: unknown,
  options: { what: string; onProblem: (message: string | null) => void; stillWanted?: () => boolean; attempts?: number },
): Promise<Ack> {
  const attempts = options.attempts ?? 20;
  for (let attempt = 1; ; attempt++) {
    let ack: Ack;
    // Emitting while disconnected would queue a copy for the reconnect on top of the retries.
    if (!socket.connected) await connected(socket, ACK_TIMEOUT_MS);
    try {
      if (!socket.connected) throw new Error("offline");
      ack = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload)) as Ack;
    } catch {
      ack = { ok: false, error: "TIMEOUT", message: "no answer from the server" };
    }
    if (ack.ok) {
      options.onProblem(null);
      return ack;
    }
    if (!RETRYABLE.has(ack.error ?? "") || attempt >= attempts || options.stillWanted?.() === false) {
      options.onProblem(`Could not ${options.what}: ${ack.message ?? "the server refused"}.`);
      return ack;
    }
    options.onProblem(`Could not ${options.what} yet (${socket.connected ? (ack.message ?? "no answer") : "no connection to the server"}) — retrying…`);
    await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
  }
}

function connected(socket: Socket, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      socket.off("connect", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on("connect", done);
  });
}
