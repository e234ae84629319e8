/**
 * Build step: every text asset of the client build (and the MediaPipe wasm and model) gets a `.br` and a
 * `.gz` twin, made once at build time at the highest quality, so the server sends compressed bytes
 * without compressing per request. Compressing 13 MB of wasm takes seconds, so results are cached by
 * content hash under node_modules/.cache (a rebuild of unchanged files costs nothing).
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Extensions worth compressing (images and fonts in woff2 are compressed already). */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|json|svg|txt|wasm|task|map|xml|ttf|otf)$/;
/** Below this, headers cost more than the saving. */
const MIN_BYTES = 1024;
/** A twin is kept only when it saves at least this share (the model barely compresses, but it does). */
const MIN_SAVING = 0.05;
/** Quality 11 of a 13 MB wasm takes ~25 s on one core; 10 takes half that for 4 % more bytes. */
const LARGE_FILE = 4 * 1024 * 1024;

export interface PrecompressOptions {
  /** Where finished twins are kept between builds, by content hash. */
  cacheDir?: string;
}

async function compressed(data: Buffer, encoding: "br" | "gz", cacheDir: string | undefined): Promise<Buffer> {
  const quality = data.length > LARGE_FILE ? 10 : 11;
  const key = `${createHash("sha256").update(data).digest("hex")}.${encoding}${encoding === "br" ? quality : ""}`;
  const cached = cacheDir ? path.join(cacheDir, key) : undefined;
  if (cached && existsSync(cached)) return readFileSync(cached);
  const out =
    encoding === "br"
      ? await brotli(data, { params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } })
      : await gz(data, { level: 9 });
  if (cached) {
    mkdirSync(path.dirname(cached), { recursive: true });
    writeFileSync(cached, out);
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** Writes `<file>.br` and `<file>.gz` beside every compressible file under `dir`; returns what it wrote. */
export async function precompressDirectory(dir: string, options: PrecompressOptions = {}): Promise<{ files: number; bytes: number; brBytes: number }> {
  const targets = filesUnder(dir).filter((f) => COMPRESSIBLE.test(f) && statSync(f).size >= MIN_BYTES);
  let bytes = 0;
  let brBytes = 0;
  let files = 0;
  // zlib's async calls run on libuv's thread pool: the files compress in parallel on every core.
  await Promise.all(
    targets.map(async (file) => {
      const data = readFileSync(file);
      for (const encoding of ["br", "gz"] as const) {
        const out = await compressed(data, encoding, options.cacheDir);
        if (out.length > data.length * (1 - MIN_SAVING)) continue;
        writeFileSync(`${file}.${encoding}`, out);
        if (encoding === "br") {
          files++;
          bytes += data.length;
          brBytes += out.length;
        }
      }
    }),
  );
  return { files, bytes, brBytes };
}

/** Copies the files of `from` into `to` (the MediaPipe wasm into the build, under its versioned path). */
export function copyDirectory(from: string, to: string, keep: (name: string) => boolean = () => true): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) if (keep(name)) copyFileSync(path.join(from, name), path.join(to, name));
}
