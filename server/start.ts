import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT, SERVER_BUILD_FILE } from "./paths";

/** `npm start`: build the web app when it is missing or older than its sources, then serve it. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const stale = !existsSync(SERVER_BUILD_FILE) || statSync(SERVER_BUILD_FILE).mtimeMs < newestMtime(path.join(PROJECT_ROOT, "web"));
if (stale) {
  process.stdout.write("Building the web app (first start, or sources changed)…\n");
  execFileSync(process.execPath, [path.join(PROJECT_ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], { cwd: PROJECT_ROOT, stdio: "inherit" });
}
process.env.NODE_ENV ??= "production";
const { main } = await import("./main");
await main();
