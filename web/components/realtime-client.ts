import { io, type Socket } from "socket.io-client";

/** One socket per tab, authenticated by the session cookie (same origin). */
let shared: Socket | undefined;

export function connectSocket(): Socket {
  // `active` is true while connecting, connected or reconnecting: one socket per tab, never two handshakes.
  if (shared?.active) return shared;
  shared = io({ transports: ["websocket", "polling"], withCredentials: true });
  (window as unknown as { __appSocket?: Socket }).__appSocket = shared;
  return shared;
}
