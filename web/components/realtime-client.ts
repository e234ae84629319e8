import { io, type Socket } from "socket.io-client";

/** One socket per tab, authenticated by the session cookie (same origin). */
let shared: Socket | undefined;

export function connectSocket(): Socket {
  if (shared && shared.connected) return shared;
  shared = io({ transports: ["websocket", "polling"], withCredentials: true });
  (window as unknown as { __appSocket?: Socket }).__appSocket = shared;
  return shared;
}
