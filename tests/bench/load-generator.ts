/**
 * The load generator, in its own process (so its CPU is not the server's): autocannon at a fixed
 * overall rate, with more connections than the rate can keep busy (a request never waits for a free
 * connection while the server keeps up: open loop), each request from the next user of the mix.
 * Reads a JSON job on stdin, writes a JSON result on stdout.
 */
import autocannon from "autocannon";

export interface LoadRequest {
  method: "GET" | "POST" | "PUT";
  path: string;
  cookie: string;
  body?: string;
  contentType?: string;
}

export interface LoadJob {
  url: string;
  host: string;
  origin: string;
  /** Requests per second (0: as fast as `connections` allow, closed loop). */
  rate: number;
  seconds: number;
  connections: number;
  requests: LoadRequest[];
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
}

function run(job: LoadJob): Promise<LoadResult> {
  let next = 0;
  const latencies: number[] = [];
  let non2xx = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        duration: job.seconds,
        ...(job.rate ? { overallRate: job.rate } : {}),
        timeout: 10,
        requests: [
          {
            setupRequest: (req) => {
              const r = job.requests[next++ % job.requests.length]!;
              const headers: Record<string, string> = { host: job.host, cookie: r.cookie, "accept-encoding": "br, gzip" };
              if (r.body !== undefined) Object.assign(headers, { origin: job.origin, "content-type": r.contentType ?? "application/x-www-form-urlencoded" });
              return { ...req, method: r.method, path: r.path, headers, body: r.body };
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        const sorted = latencies.sort((x, y) => x - y);
        const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
        resolve({ requests: sorted.length, rps: sorted.length / job.seconds, p50: at(50), p95: at(95), p99: at(99), errors: result.errors + result.timeouts, non2xx });
      },
    );
    // Every answer's own time (autocannon's summary has p90 and p97.5, not p95). Redirects count as answers.
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      if (statusCode >= 400) non2xx++;
    });
  });
}

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  run(JSON.parse(input) as LoadJob).then(
    (r) => {
      process.stdout.write(JSON.stringify(r));
      process.exit(0);
    },
    (error: Error) => {
      process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    },
  );
});
