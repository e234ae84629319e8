import type { Socket } from "socket.io-client";
import type { SignalData, Signalling } from "../../../media/p2p/peer-call";

/** Peer-to-peer signalling over the app's socket.io, scoped to one session's call. */
export function socketSignalling(socket: Socket, sessionId: string): Signalling {
  const subscribe = <T extends object>(event: string, listener: (m: T) => void) => {
    const handler = (m: T) => {
      const scoped = (m as { sessionId?: string }).sessionId;
      if (!scoped || scoped === sessionId) listener(m);
    };
    socket.on(event, handler);
    return () => void socket.off(event, handler);
  };
  return {
    send: (to, data) => void socket.emit("call:signal", { sessionId, to, data }),
    sendMediaState: (state) => void socket.emit("call:media-state", { sessionId, ...state }),
    onSignal: (listener) => subscribe<{ sessionId: string; from: string; data: SignalData }>("call:signal", (m) => listener(m.from, m.data)),
    onPeerJoined: (listener) => subscribe<{ connectionId: string; userId: string }>("call:peer-joined", listener),
    onPeerLeft: (listener) => subscribe<{ connectionId: string; userId: string; left?: boolean }>("call:peer-left", listener),
    onMediaState: (listener) => subscribe<{ connectionId: string; microphone: boolean; camera: boolean }>("call:media-state", listener),
  };
}
