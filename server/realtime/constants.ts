/** Socket room names and limits in one place. */
export const rooms = {
  user: (userId: string) => `user:${userId}`,
  authSession: (sessionId: string) => `auth-session:${sessionId}`,
  /** Everyone admitted to a clinical session's call. */
  call: (clinicalSessionId: string) => `call:${clinicalSessionId}`,
  /** The therapist and invited staff of a call (they hear about the waiting room). */
  callStaff: (clinicalSessionId: string) => `call:${clinicalSessionId}:staff`,
  /** One connection inside one call: signalling is addressed here, so it cannot cross sessions. */
  callConnection: (clinicalSessionId: string, connectionId: string) => `call:${clinicalSessionId}:conn:${connectionId}`,
  callWaiting: (clinicalSessionId: string, userId: string) => `call:${clinicalSessionId}:waiting:${userId}`,
  callWaitingAll: (clinicalSessionId: string) => `call:${clinicalSessionId}:waiting`,
};

export const SOCKET_MAX_PAYLOAD_BYTES = 1_000_000;
export const SOCKET_PING_INTERVAL_MS = 10_000;
export const SOCKET_PING_TIMEOUT_MS = 8_000;

/** Per-connection event budget: a whiteboard stroke with pointer updates stays far below it. */
export const SOCKET_EVENTS_PER_SECOND = 100;
export const SOCKET_EVENT_BURST = 200;
