/** Socket room names and limits in one place. */
export const rooms = {
  user: (userId: string) => `user:${userId}`,
  authSession: (sessionId: string) => `auth-session:${sessionId}`,
};

export const SOCKET_MAX_PAYLOAD_BYTES = 1_000_000;
export const SOCKET_PING_INTERVAL_MS = 10_000;
export const SOCKET_PING_TIMEOUT_MS = 8_000;
