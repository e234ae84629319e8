import { type ChildProcess, spawn } from "node:child_process";
import { connect } from "node:net";
import { freePort as freeTcpPort } from "./app-process";

export interface RunningRedis {
  address: string;
  stop(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("error", () => resolve(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
  });
}

/** Debian's redis-server on a free loopback port, in memory only; the nodes of a LiveKit cluster share it. */
export async function startRedisServer(): Promise<RunningRedis> {
  const port = await freeTcpPort();
  const child: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const failed = new Promise<never>((_, reject) => child.once("error", (err) => reject(new Error(`redis-server did not start (install Debian's redis-server): ${err.message}`))));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  };
  for (let i = 0; i < 100; i++) {
    if (await Promise.race([ping(port), failed])) return { address: `127.0.0.1:${port}`, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error("redis-server did not answer PING within 10 s");
}
