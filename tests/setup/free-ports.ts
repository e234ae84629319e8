import { createSocket } from "node:dgram";

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.once("error", () => resolve(false));
    socket.bind(port, "127.0.0.1", () => socket.close(() => resolve(true)));
  });
}

/** `count` consecutive free UDP ports, from a random start above the usual ephemeral range's floor. */
export async function freeUdpRange(count: number): Promise<{ start: number; end: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const start = 20_000 + Math.floor(Math.random() * 12_000);
    let ok = true;
    for (let port = start; port < start + count && ok; port++) ok = await udpFree(port);
    if (ok) return { start, end: start + count - 1 };
  }
  throw new Error(`no ${count} consecutive free UDP ports found`);
}
