import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { CLIENT_BUILD_DIR } from "../../server/paths";

const ASSETS = path.join(CLIENT_BUILD_DIR, "assets");

/** The built chunk whose file name starts with `prefix-` (Vite adds a content hash). */
export function chunk(prefix: string): string {
  const file = readdirSync(ASSETS).find((f) => f.startsWith(`${prefix}-`) && f.endsWith(".js"));
  if (!file) throw new Error(`No built chunk ${prefix}-*.js: run npm run build first`);
  return file;
}

/** Static imports of a chunk (what the browser must fetch before it runs). */
function staticImports(file: string): string[] {
  const source = readFileSync(path.join(ASSETS, file), "utf8");
  const found = new Set<string>();
  for (const m of source.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) found.add(m[1]!);
  return [...found];
}

/** The chunk and everything it imports statically, transitively. */
export function closure(files: string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...files];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    stack.push(...staticImports(f));
  }
  return seen;
}

export function gzipBytes(files: Iterable<string>): number {
  let total = 0;
  for (const f of files) total += gzipSync(readFileSync(path.join(ASSETS, f))).length;
  return total;
}

export const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
