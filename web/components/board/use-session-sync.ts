import { useEffect, useReducer, useState } from "react";
import type { Socket } from "socket.io-client";
import { acquireSessionSync, type SessionSync, type SyncEvent } from "./session-sync";

/** The session's shared sync, re-rendering the caller on the events `filter` accepts. */
export function useSessionSync(socket: Socket, sessionId: string, filter: (e: SyncEvent) => boolean = () => true): SessionSync | null {
  const [sync, setSync] = useState<SessionSync | null>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const { sync: s, release } = acquireSessionSync(socket, sessionId);
    setSync(s);
    const off = s.subscribe((e) => filter(e) && rerender());
    return () => {
      off();
      release();
    };
  }, [socket, sessionId]);
  return sync;
}
