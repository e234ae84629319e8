import { expect, type Page } from "@playwright/test";

type CallWindow = { __call?: { stats(): Promise<{ framesDecoded: number; audioPacketsReceived: number }[]> } };

/** Decoded remote video frames and received audio packets, from the receiver's getStats(). */
export async function receivedMedia(page: Page): Promise<{ frames: number; audio: number }> {
  return page.evaluate(async () => {
    const call = (window as unknown as CallWindow).__call;
    const stats = (await call?.stats()) ?? [];
    return { frames: stats.reduce((n, s) => n + s.framesDecoded, 0), audio: stats.reduce((n, s) => n + s.audioPacketsReceived, 0) };
  });
}

/** Video "flows" when the decoded-frame count keeps increasing (a frozen <video> still advances currentTime). */
export async function expectVideoFlowing(page: Page, timeout = 15_000) {
  let before = -1;
  await expect
    .poll(
      async () => {
        const { frames } = await receivedMedia(page);
        const flowing = before >= 0 && frames > before + 5;
        before = frames;
        return flowing;
      },
      { timeout, intervals: [500, 500, 1000] },
    )
    .toBe(true);
}

export async function expectAudioFlowing(page: Page, timeout = 15_000) {
  let before = -1;
  await expect
    .poll(
      async () => {
        const { audio } = await receivedMedia(page);
        const flowing = before >= 0 && audio > before + 5;
        before = audio;
        return flowing;
      },
      { timeout, intervals: [500, 500, 1000] },
    )
    .toBe(true);
}

/** "YYYY-MM-DDTHH:MM" of now in a time zone, for a datetime-local input. */
export function localInputValue(timeZone: string, date = new Date()): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}
