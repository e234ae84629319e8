import { describe, expect, it, vi } from "vitest";
import { beginWork, startStallWatchdog } from "./stall-watchdog";

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // keeps the event loop from running anything else, as a runaway handler would
  }
};
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("event-loop stall watchdog", () => {
  it("logs a stall over 200 ms with the routes that ran during it, even one that has since returned", async () => {
    const warn = vi.fn();
    const watchdog = startStallWatchdog({ warn });
    await tick(120);
    const idle = beginWork("GET /health");
    const done = beginWork("POST /patient/homework");
    busy(400);
    done();
    await tick(120);
    idle();
    watchdog.stop();
    expect(warn).toHaveBeenCalledTimes(1);
    const [fields] = warn.mock.calls[0]!;
    expect(fields.event).toBe("event_loop.stall");
    expect(fields.ms).toBeGreaterThanOrEqual(300);
    expect(fields.inFlight).toEqual(["GET /health", "POST /patient/homework"]);
  });

  it("stays quiet for a stall under its threshold", async () => {
    const warn = vi.fn();
    const watchdog = startStallWatchdog({ warn }, 2_000);
    const done = beginWork("GET /patient");
    busy(300);
    await tick(200);
    done();
    watchdog.stop();
    expect(warn).not.toHaveBeenCalled();
  });
});
