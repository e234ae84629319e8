import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { io as connect, type Socket } from "socket.io-client";
import { attachRealtime, type Realtime } from "../../server/realtime/socket-server";
import { lateNotifier } from "../../server/services/create-services";
import { createTestApp, TEST_ORIGIN, type TestAppOptions } from "./test-app";

/** The real app on a real loopback port with socket.io attached, as in production. */
export async function startTestServer(options: TestAppOptions & { port?: number }) {
  const notifier = lateNotifier();
  const t = await createTestApp({ ...options, notifier });
  const httpServer = createServer(getRequestListener(t.app.fetch));
  const realtime: Realtime = attachRealtime(httpServer, t.services, { postgresUrl: options.env?.USE_SOCKET_ADAPTER ? t.database.url : undefined });
  notifier.target = realtime.notifier;
  await new Promise<void>((resolve) => httpServer.listen(options.port ?? 0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const sockets: Socket[] = [];
  return {
    ...t,
    url,
    realtime,
    /** A socket.io client as a browser page of ours would open it (our Origin, the page's cookies). */
    socket(cookie?: string, origin = TEST_ORIGIN): Socket {
      const s = connect(url, { transports: ["websocket"], reconnection: false, extraHeaders: { origin, ...(cookie ? { cookie } : {}) } });
      sockets.push(s);
      return s;
    },
    async dispose() {
      for (const s of sockets) s.close();
      await realtime.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await t.dispose();
    },
  };
}

export function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (error) => reject(error));
  });
}

export function refused(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => reject(new Error("socket connected but should have been refused")));
    socket.once("connect_error", (error) => resolve(error.message));
  });
}
