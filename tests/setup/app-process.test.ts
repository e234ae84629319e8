import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { freePort, waitForReady } from "./app-process";

/** A process that writes `lines` and then either exits with `code` or idles without listening. */
function fakeProcess(lines: string[], code: number | null) {
  const script = `${lines.map((l) => `console.log(${JSON.stringify(l)});`).join("")}${code === null ? "setInterval(() => {}, 1000);" : `process.exit(${code});`}`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  return { child, output: () => output };
}

describe("waitForReady", () => {
  it("fails as soon as the process exits, naming it and showing its last lines", async () => {
    const lines = Array.from({ length: 60 }, (_, i) => `line ${i + 1}`);
    const { child, output } = fakeProcess([...lines, "DATABASE_URL: not a postgres:// URL"], 3);
    const url = `http://127.0.0.1:${await freePort()}/health`;
    const failure = await waitForReady({ name: "the demo server", url, child, output, timeoutMs: 30_000 }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).toContain(`the demo server exited (code 3) before ${url} answered`);
    expect(message).toContain("DATABASE_URL: not a postgres:// URL");
    expect(message).toContain("line 60");
    expect(message).not.toContain("line 20\n"); // only the last lines, not the whole log
  });

  it("fails after the timeout when the process never answers", async () => {
    const { child, output } = fakeProcess(["starting…"], null);
    try {
      const url = `http://127.0.0.1:${await freePort()}/health`;
      await expect(waitForReady({ name: "the silent server", url, child, output, timeoutMs: 1_000 })).rejects.toThrow(
        `the silent server did not answer ${url} within 1 s. Its last output:\nstarting…`,
      );
    } finally {
      child.kill("SIGKILL");
    }
  });
});
