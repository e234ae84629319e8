import { io, type Socket } from "socket.io-client";

/** One socket per tab, authenticated by the session cookie (same origin). */
let shared: Socket | undefined;

export function connectSocket(): Socket {
  // `active` is true while connecting, connected or reconnecting: one socket per tab, never two handshakes.
  if (shared?.active) return shared;
  // Retries about a second apart (the default backs off to 5 s, and ±50 % of 2 s is up to 3 s): after a
  // network drop or a server restart or deploy the call is back within 3 s of the server answering; the
  // random spread still staggers clients.
  shared = io({ transports: ["websocket", "polling"], withCredentials: true, reconnectionDelay: 500, reconnectionDelayMax: 1_000 });
  (window as unknown as { __appSocket?: Socket }).__appSocket = shared;
  return shared;
}
