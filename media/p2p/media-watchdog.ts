/**
 * Notices a network outage on a peer-to-peer link from the receiving side: no media packet from the
 * other browser for {@link MEDIA_STALL_MS} (audio alone is 50 packets a second, even muted). Pure: the
 * call feeds it the received-packet count from getStats() every {@link MEDIA_WATCH_INTERVAL_MS}.
 */
export const MEDIA_STALL_MS = 1_000;
export const MEDIA_WATCH_INTERVAL_MS = 250;

export interface MediaWatch {
  packets: number;
  /** When `packets` last increased. */
  lastChangeAt: number;
  stalled: boolean;
}

export type WatchAction = "pause-video" | "resume-video" | null;

export const initialWatch = (now: number): MediaWatch => ({ packets: 0, lastChangeAt: now, stalled: false });

/**
 * The next state and what to do: a stall pauses our video to the peer (whatever we encode meanwhile
 * would only queue up and arrive stale); packets arriving again resume it, which starts with a key
 * frame, so the other side's picture is back at once instead of after a round of lost-packet requests.
 */
export function watchMedia(watch: MediaWatch, packets: number, now: number): { watch: MediaWatch; action: WatchAction } {
  if (packets > watch.packets) {
    return { watch: { packets, lastChangeAt: now, stalled: false }, action: watch.stalled ? "resume-video" : null };
  }
  // Nothing received yet at all: the call is still connecting, not stalled.
  if (!watch.stalled && watch.packets > 0 && now - watch.lastChangeAt >= MEDIA_STALL_MS) {
    return { watch: { ...watch, stalled: true }, action: "pause-video" };
  }
  return { watch, action: null };
}
