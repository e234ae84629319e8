import { io, type Socket } from "socket.io-client";

/** One socket per tab, authenticated by the session cookie (same origin). */
let shared: Socket | undefined;

export function connectSocket(): Socket {
  // `active` is true while connecting, connected or reconnecting: one socket per tab, never two handshakes.
  if (shared?.active) return shared;
  // Retries at most 2 s apart (the default backs off to 5 s): after a network drop or a server restart
  // the call's panels are back within about 2 s of the server; the random spread still staggers clients.
  shared = io({ transports: ["websocket", "polling"], withCredentials: true, reconnectionDelay: 500, reconnectionDelayMax: 2_000 });
  (window as unknown as { __appSocket?: Socket }).__appSocket = shared;
  return shared;
}
