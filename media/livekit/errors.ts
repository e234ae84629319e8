// One error type for the LiveKit area. `status` is the HTTP status an adapter should answer with;
// the code is what the UI and the tests look at.

export type LiveKitErrorCode =
  | "INVALID_SESSION_ID"
  | "LIVEKIT_CONFIG_INCOMPLETE"
  | "SESSION_WINDOW_CLOSED"
  | "LIVEKIT_API_ERROR"
  | "WEBHOOK_UNAUTHORIZED"
  | "WEBHOOK_MALFORMED"
  | "WEBHOOK_STALE"
  | "WEBHOOK_REPLAYED";

const STATUS: Record<LiveKitErrorCode, number> = {
  INVALID_SESSION_ID: 422,
  LIVEKIT_CONFIG_INCOMPLETE: 500,
  SESSION_WINDOW_CLOSED: 409,
  LIVEKIT_API_ERROR: 502,
  WEBHOOK_UNAUTHORIZED: 401,
  WEBHOOK_MALFORMED: 400,
  WEBHOOK_STALE: 401,
  // A replay is refused, but LiveKit retries on non-2xx; the adapter may answer 200 to stop retries
  // of a delivery that was in fact processed. 409 is the honest default.
  WEBHOOK_REPLAYED: 409,
};

export class LiveKitError extends Error {
  readonly code: LiveKitErrorCode;
  readonly status: number;

  constructor(code: LiveKitErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LiveKitError";
    this.code = code;
    this.status = STATUS[code];
  }
}

export function isLiveKitError(err: unknown, code?: LiveKitErrorCode): err is LiveKitError {
  return err instanceof LiveKitError && (code === undefined || err.code === code);
}
