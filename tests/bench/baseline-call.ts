import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Server as IoServer } from "socket.io";

const require = createRequire(import.meta.url);

/**
 * The bare baseline of the call benchmark: a page with getUserMedia, one RTCPeerConnection and a
 * socket.io relay — nothing else (no auth, no waiting room, no app).
 */
const PAGE = `<!doctype html><html><body>
<video id="local" autoplay muted playsinline></video><video id="remote" autoplay playsinline></video>
<button id="join">join</button>
<script src="/socket.io.js"></script>
<script>
const room = new URLSearchParams(location.search).get("room");
const socket = io();
let pc, local;
const ready = navigator.mediaDevices.getUserMedia({ video: true, audio: true }).then((s) => { local = s; document.getElementById("local").srcObject = s; });
function makePc(peer) {
  pc = new RTCPeerConnection({ iceServers: [] });
  local.getTracks().forEach((t) => pc.addTrack(t, local));
  pc.onicecandidate = (e) => socket.emit("signal", { room, data: { candidate: e.candidate } });
  pc.ontrack = (e) => { const v = document.getElementById("remote"); if (v.srcObject !== e.streams[0]) v.srcObject = e.streams[0]; };
}
socket.on("signal", async ({ data }) => {
  if (data.description) {
    if (!pc) makePc();
    await pc.setRemoteDescription(data.description);
    if (data.description.type === "offer") { await pc.setLocalDescription(); socket.emit("signal", { room, data: { description: pc.localDescription } }); }
  } else if (data.candidate && pc) { await pc.addIceCandidate(data.candidate).catch(() => {}); }
});
socket.on("peer-joined", () => {});
window.join = async () => {
  await ready;
  socket.emit("join", room);
  makePc();
  await pc.setLocalDescription();
  socket.emit("signal", { room, data: { description: pc.localDescription } });
};
window.listen = async () => { await ready; socket.emit("join", room); };
document.getElementById("join").onclick = () => window.join();
</script></body></html>`;

export async function startBaselineServer(): Promise<{ url: string; close(): Promise<void> }> {
  const clientJs = readFileSync(path.join(path.dirname(require.resolve("socket.io-client/package.json")), "dist", "socket.io.min.js"));
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith("/socket.io.js")) {
      res.setHeader("content-type", "text/javascript");
      return res.end(clientJs);
    }
    res.setHeader("content-type", "text/html");
    res.end(PAGE);
  });
  const io = new IoServer(server, { serveClient: false });
  io.on("connection", (socket) => {
    socket.on("join", (room: string) => void socket.join(room));
    socket.on("signal", ({ room, data }: { room: string; data: unknown }) => void socket.to(room).emit("signal", { data }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => io.close(() => resolve())),
  };
}
