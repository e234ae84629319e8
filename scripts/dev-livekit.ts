// `npm run dev:livekit`: the pinned livekit-server on this machine, beside `npm run dev`, for trying
// the LiveKit call path locally. Config: livekit.yaml with loopback addresses and the dev app's webhook URL.
// Ports: LIVEKIT_PORT (7880), and the TCP port and UDP range of livekit.yaml.

import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { readFileSync } from "node:fs";
import { startLiveKitServer } from "./livekit-server";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const base = parse(readFileSync(path.join(root, "livekit.yaml"), "utf8")) as { port: number; rtc: { tcp_port: number; port_range_start: number; port_range_end: number } };
const http = Number(process.env.LIVEKIT_PORT ?? base.port);
const appPort = Number(process.env.PORT ?? 3000);
const logFile = path.join(root, "data", "livekit-dev.log");

const server = await startLiveKitServer({
  ports: { http, tcp: base.rtc.tcp_port, udpStart: base.rtc.port_range_start, udpEnd: base.rtc.port_range_end },
  webhookUrl: `http://127.0.0.1:${appPort}/api/livekit/webhook`,
  logFile,
  workDir: path.join(root, "data"),
  logLevel: "info",
});
console.warn(`livekit-server is running at ${server.url} (log: ${logFile}). Start the app beside it with:

  LIVEKIT_URL=${server.url} LIVEKIT_API_KEY=${server.apiKey} LIVEKIT_API_SECRET=${server.apiSecret} npm run dev

Calls then go through LiveKit. Ctrl-C stops the server.`);
let stopping = false;
const stop = () => {
  stopping = true;
  void server.stop().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
server.child.once("exit", (code) => {
  if (stopping) return;
  console.warn(`livekit-server exited (${code}); see ${logFile}`);
  process.exit(code ?? 1);
});
