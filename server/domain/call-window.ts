/** When a session's call may be joined: a pure rule shared by the page and the socket layer. */
export const JOIN_OPENS_MINUTES_BEFORE = 10;
/** Calls that overrun a little are not cut: joining stays possible this long after the scheduled end. */
export const JOIN_CLOSES_MINUTES_AFTER = 30;
export const END_WARNING_MINUTES = 5;

export type CallAvailability =
  | { state: "open" }
  | { state: "too_early"; opensAt: Date }
  | { state: "expired" }
  | { state: "ended"; endedAt: Date }
  | { state: "cancelled" };

export function callAvailability(input: {
  startsAt: Date;
  endsAt: Date;
  status: "scheduled" | "cancelled" | "completed";
  endedAt: Date | null;
  now: Date;
  opensMinutesBefore?: number;
}): CallAvailability {
  if (input.status === "cancelled") return { state: "cancelled" };
  if (input.endedAt) return { state: "ended", endedAt: input.endedAt };
  if (input.status === "completed") return { state: "ended", endedAt: input.endsAt };
  const opensAt = new Date(input.startsAt.getTime() - (input.opensMinutesBefore ?? JOIN_OPENS_MINUTES_BEFORE) * 60_000);
  if (input.now < opensAt) return { state: "too_early", opensAt };
  const closesAt = new Date(input.endsAt.getTime() + JOIN_CLOSES_MINUTES_AFTER * 60_000);
  if (input.now >= closesAt) return { state: "expired" };
  return { state: "open" };
}

/** Remaining time and whether the gentle end warning is due. */
export function callTimer(endsAt: Date, now: Date): { remainingMs: number; warn: boolean; over: boolean } {
  const remainingMs = endsAt.getTime() - now.getTime();
  return { remainingMs, warn: remainingMs > 0 && remainingMs <= END_WARNING_MINUTES * 60_000, over: remainingMs <= 0 };
}
