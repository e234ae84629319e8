import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT, SERVER_BUILD_FILE } from "./paths";

/**
 * `npm start`: build the web app when it is missing or older than its sources, then serve it. The pages'
 * server build imports the services from source (vite.config.ts), so only what the bundle holds counts:
 * the web app and the pure code the browser shares with the server.
 */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const BUNDLED_SOURCES = ["web", "server/domain", "media", "vite.config.ts", "package-lock.json"];

function buildIsStale(): boolean {
  if (!existsSync(SERVER_BUILD_FILE)) return true;
  const built = statSync(SERVER_BUILD_FILE).mtimeMs;
  return BUNDLED_SOURCES.some((source) => {
    const full = path.join(PROJECT_ROOT, source);
    if (!existsSync(full)) return false;
    return (statSync(full).isDirectory() ? newestMtime(full) : statSync(full).mtimeMs) > built;
  });
}

const stale = buildIsStale();
if (stale) {
  process.stdout.write("Building the web app (first start, or sources changed)…\n");
  execFileSync(process.execPath, [path.join(PROJECT_ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], { cwd: PROJECT_ROOT, stdio: "inherit" });
}
process.env.NODE_ENV ??= "production";
const { main } = await import("./main");
await main();
