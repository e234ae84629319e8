/**
 * Compresses the app's own answers (pages, Remix data, JSON) for browsers that accept it: brotli when
 * offered, else gzip. Static files are not compressed here: they carry precompressed twins.
 * hono/compress would do gzip only (Node 20's CompressionStream has no brotli), hence node:zlib.
 *
 * Quality is chosen for per-request cost: brotli 4 compresses a page in well under a millisecond and
 * still beats gzip -6. What the page has written so far is flushed whenever it pauses, so a streamed
 * page (deferred data) is not held back until it ends.
 */
import { Readable, type Transform } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { constants, createBrotliCompress, createGzip } from "node:zlib";
import type { MiddlewareHandler } from "hono";
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from "hono/utils/compress";

const BROTLI_QUALITY = 4;
/** Below this, the headers and the CPU cost more than the bytes saved. */
const THRESHOLD_BYTES = 1024;
const NO_TRANSFORM = /(?:^|,)\s*no-transform\s*(?:,|$)/i;

/** The encoding to use for an Accept-Encoding header: br, gzip or none (q=0 refuses). */
export function chooseEncoding(acceptEncoding: string | undefined): "br" | "gzip" | undefined {
  if (!acceptEncoding) return undefined;
  const offered = new Map<string, number>();
  for (const part of acceptEncoding.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    offered.set(name!, q ? Number(q.slice(2)) || 0 : 1);
  }
  const accepts = (name: string) => (offered.get(name) ?? offered.get("*") ?? 0) > 0;
  if (accepts("br")) return "br";
  if (accepts("gzip")) return "gzip";
  return undefined;
}

/**
 * Pipes `source` through `zip`, flushing once the source has nothing more for now (after the chunks
 * written in one turn of the event loop), not after every chunk: React writes a page in many small
 * chunks, and a flush per chunk made as many small socket writes (a tenth of the CPU of a page view).
 */
function compressStream(source: Readable, zip: Transform, encoding: "br" | "gzip"): Transform {
  let pending: NodeJS.Immediate | undefined;
  const flushKind = encoding === "br" ? constants.BROTLI_OPERATION_FLUSH : constants.Z_SYNC_FLUSH;
  source.on("data", (chunk: Uint8Array) => {
    if (!zip.write(chunk)) source.pause();
    if (!pending) pending = setImmediate(() => {
      pending = undefined;
      if (!zip.writableEnded) (zip as Transform & { flush(kind: number): void }).flush(flushKind);
    });
  });
  zip.on("drain", () => source.resume());
  source.on("end", () => {
    if (pending) clearImmediate(pending);
    zip.end();
  });
  source.on("error", (error) => zip.destroy(error));
  zip.on("close", () => source.destroy());
  return zip;
}

export function compressResponses(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    const type = res.headers.get("Content-Type");
    if (!type || !COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type)) return;
    if (res.headers.has("Content-Encoding") || res.headers.has("Content-Range") || NO_TRANSFORM.test(res.headers.get("Cache-Control") ?? "")) return;
    const vary = res.headers.get("Vary") ?? "";
    const varies = /accept-encoding|\*/i.test(vary);
    const length = res.headers.get("Content-Length");
    const encoding = chooseEncoding(c.req.header("Accept-Encoding"));
    const compress = encoding && res.body && c.req.method !== "HEAD" && res.status !== 204 && res.status !== 304 && !(length !== null && Number(length) < THRESHOLD_BYTES);
    if (!compress) {
      if (!varies) {
        try {
          res.headers.append("Vary", "Accept-Encoding");
        } catch {
          c.res = new Response(res.body, res); // e.g. Response.redirect()'s headers are immutable
          c.res.headers.append("Vary", "Accept-Encoding");
        }
      }
      return;
    }
    const zip =
      encoding === "br"
        ? createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, ...(length ? { [constants.BROTLI_PARAM_SIZE_HINT]: Number(length) } : {}) } })
        : createGzip({ level: 6 });
    const body = Readable.toWeb(compressStream(Readable.fromWeb(res.body as NodeReadableStream<Uint8Array>), zip, encoding)) as ReadableStream<Uint8Array>;
    c.res = new Response(body, res);
    c.res.headers.delete("Content-Length");
    c.res.headers.set("Content-Encoding", encoding);
    if (!varies) c.res.headers.append("Vary", "Accept-Encoding");
  };
}
