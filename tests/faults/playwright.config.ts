import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";

/**
 * The fault drills (issue 8): each spec starts its own app server (it kills and restarts it, or
 * points it at a faulty database), so there is no webServer here. Run them with `npm run test:faults`
 * (tests/faults/run.sh): the network drills need the private network namespace that script makes.
 */
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export default defineConfig({
  testDir: ".",
  outputDir: "../../test-results/faults",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  reporter: [["list"]],
  use: {
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
      args: [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        // The namespace has only the loopback interface; WebRTC ignores it unless told otherwise.
        "--allow-loopback-in-peer-connection",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
    permissions: ["camera", "microphone"],
  },
});
