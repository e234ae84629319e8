// The real livekit-server (the pinned release, built by `npm run livekit:install`) on free loopback
// ports, single node unless a Redis address is given; its log goes to test-results/livekit/.

import path from "node:path";
import { PROJECT_ROOT } from "../../server/paths";
import { startLiveKitServer, type RunningLiveKitServer } from "../../scripts/livekit-server";
import { freePort as freeTcpPort } from "./app-process";
import { freeUdpRange } from "./free-ports";

export type { RunningLiveKitServer };

/** Ten UDP ports carry a handful of participants (one port per peer connection). */
const UDP_PORTS = 10;

export async function startTestLiveKitServer(options: { name: string; webhookUrl?: string; redisAddress?: string }): Promise<RunningLiveKitServer> {
  const http = await freeTcpPort();
  const tcp = await freeTcpPort();
  const udp = await freeUdpRange(UDP_PORTS);
  return startLiveKitServer({
    ports: { http, tcp, udpStart: udp.start, udpEnd: udp.end },
    webhookUrl: options.webhookUrl,
    redisAddress: options.redisAddress,
    logFile: path.join(PROJECT_ROOT, "test-results", "livekit", `${options.name}-${http}.log`),
    workDir: path.join(PROJECT_ROOT, "test-results", "livekit"),
  });
}
