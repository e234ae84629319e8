import { createConnection, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy in front of PostgreSQL that the database drill can take down: every open connection is
 * cut and the port stops listening, so new connections are refused (ECONNREFUSED, as from a database
 * host whose PostgreSQL is gone), until `bringUp()` listens on the same port again.
 * `cutAfter(text)` takes it down the moment a client sends `text` — in the middle of a transaction.
 */
export class TcpProxy {
  private server: Server | null = null;
  private port = 0;
  private readonly open = new Set<Socket>();
  private trigger: { text: Buffer; resolve: () => void } | null = null;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<number> {
    await this.listen();
    return (this.port = (this.server!.address() as { port: number }).port);
  }

  private async listen(): Promise<void> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => this.server!.once("error", reject).listen(this.port, "127.0.0.1", resolve));
  }

  private accept(client: Socket): void {
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
    this.server?.close();
    this.server = null;
    for (const s of this.open) s.destroy();
  }

  /** Listens again on the same port. */
  async bringUp(): Promise<void> {
    await this.listen();
  }

  /** Resolves when `text` went through and the proxy went down right after it. */
  cutAfter(text: string): Promise<void> {
    return new Promise((resolve) => (this.trigger = { text: Buffer.from(text), resolve }));
  }

  async close(): Promise<void> {
    const server = this.server;
    this.takeDown();
    if (server) await new Promise<void>((resolve) => server.once("close", () => resolve()));
  }
}
