import { createConnection, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP load balancer in front of several app instances, as a clinic would run one: each new
 * connection goes to the preferred instance (`prefer`), or to the next one that accepts when that
 * one is down. Open connections stay where they were made until an end closes them.
 */
export class LoadBalancer {
  private server: Server | null = null;
  private preferred = 0;
  private readonly open = new Set<Socket>();
  /** Which instance took each connection, in order (for the test's checks). */
  readonly routed: number[] = [];

  constructor(private readonly targets: number[]) {}

  prefer(index: number): void {
    this.preferred = index;
  }

  async listen(port: number): Promise<void> {
    this.server = createServer((client) => void this.accept(client));
    await new Promise<void>((resolve, reject) => this.server!.once("error", reject).listen(port, "127.0.0.1", resolve));
  }

  private async accept(client: Socket): Promise<void> {
    client.pause();
    client.on("error", () => {});
    this.open.add(client);
    client.on("close", () => this.open.delete(client));
    const order = this.targets.map((_, i) => (this.preferred + i) % this.targets.length);
    for (const index of order) {
      const upstream = await new Promise<Socket | null>((resolve) => {
        const socket = createConnection({ host: "127.0.0.1", port: this.targets[index]! });
        socket.once("connect", () => resolve(socket));
        socket.once("error", () => resolve(null));
      });
      if (!upstream) continue;
      this.routed.push(index);
      this.open.add(upstream);
      upstream.on("error", () => {});
      upstream.on("close", () => {
        this.open.delete(upstream);
        client.destroy();
      });
      client.on("close", () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
      return;
    }
    client.destroy();
  }

  async close(): Promise<void> {
    for (const s of this.open) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
