import { describe, expect, it } from "vitest";
import { initialWatch, MEDIA_STALL_MS, watchMedia } from "./media-watchdog";

/** Feeds (time, packet count) samples and collects the actions. */
function run(samples: [number, number][]) {
  let watch = initialWatch(0);
  const actions: [number, string][] = [];
  for (const [now, packets] of samples) {
    const next = watchMedia(watch, packets, now);
    watch = next.watch;
    if (next.action) actions.push([now, next.action]);
  }
  return actions;
}

describe("the media watchdog of a peer-to-peer link", () => {
  it("does nothing while packets keep arriving", () => {
    expect(run([[0, 10], [250, 20], [500, 35], [750, 50]])).toEqual([]);
  });

  it("does not call a call that has not received anything yet stalled", () => {
    expect(run([[0, 0], [2_000, 0], [5_000, 0]])).toEqual([]);
  });

  it("pauses our video once nothing arrived for the stall time, and resumes it when packets come back", () => {
    const actions = run([[0, 10], [250, 20], [500, 20], [250 + MEDIA_STALL_MS - 1, 20], [250 + MEDIA_STALL_MS, 20], [3_000, 20], [5_250, 21], [5_500, 40]]);
    expect(actions).toEqual([[250 + MEDIA_STALL_MS, "pause-video"], [5_250, "resume-video"]]);
  });

  it("pauses once per outage, however long it lasts", () => {
    const samples: [number, number][] = [[0, 5]];
    for (let t = 250; t <= 60_000; t += 250) samples.push([t, 5]);
    samples.push([60_250, 6]);
    expect(run(samples).map(([, a]) => a)).toEqual(["pause-video", "resume-video"]);
  });
});
