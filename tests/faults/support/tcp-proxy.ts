import { createConnection, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy in front of PostgreSQL that the database drill can take down: every open connection is
 * cut and new ones are closed at once (as a host that went away and refuses connections), until `up()`.
 * `cutAfter(text)` takes it down the moment a client sends `text` — in the middle of a transaction.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly open = new Set<Socket>();
  private down = false;
  private trigger: { text: Buffer; resolve: () => void } | null = null;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<number> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as { port: number }).port;
  }

  private accept(client: Socket): void {
    if (this.down) return void client.destroy();
    const upstream = createConnection(this.target);
    for (const s of [client, upstream]) {
      this.open.add(s);
      s.on("close", () => this.open.delete(s));
      s.on("error", () => {});
    }
    client.on("data", (chunk: Buffer) => {
      upstream.write(chunk);
      if (this.trigger && chunk.includes(this.trigger.text)) {
        const { resolve } = this.trigger;
        this.trigger = null;
        // The statement reached PostgreSQL; its answer and everything after it never comes back.
        setImmediate(() => {
          this.takeDown();
          resolve();
        });
      }
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  }

  takeDown(): void {
    this.down = true;
    for (const s of this.open) s.destroy();
  }

  bringUp(): void {
    this.down = false;
  }

  /** Resolves when `text` went through and the proxy went down right after it. */
  cutAfter(text: string): Promise<void> {
    return new Promise((resolve) => (this.trigger = { text: Buffer.from(text), resolve }));
  }

  async close(): Promise<void> {
    this.takeDown();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
