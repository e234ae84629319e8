// LiveKit's signalling protocol spoken directly (WebSocket + protobuf, as livekit-client does it),
// for checks that need the real server's verdict but no media: who may join which room, which track
// sources a participant may publish, and what a removed participant is told.

import { AddTrackRequest, type JoinResponse, SignalRequest, SignalResponse, type TrackSource, type TrackType } from "@livekit/protocol";
import WebSocket from "ws";

export type Refusal = { refused: true; status: number; body: string };

export interface SignalConnection {
  join: JoinResponse;
  /** Every message the server sent after the join response. */
  messages: SignalResponse[];
  next(kind: NonNullable<SignalResponse["message"]["case"]>, timeoutMs?: number): Promise<SignalResponse["message"]>;
  addTrack(source: TrackSource, type: TrackType): Promise<SignalResponse["message"]>;
  closed: Promise<number>;
  close(): void;
}

/** Opens /rtc with the token; resolves with the join response, or with the HTTP refusal. */
export function signalConnect(url: string, token: string, params: Record<string, string> = {}): Promise<SignalConnection | Refusal> {
  const query = new URLSearchParams({ access_token: token, auto_subscribe: "1", sdk: "js", protocol: "16", ...params });
  const ws = new WebSocket(`${url}/rtc?${query}`);
  const messages: SignalResponse[] = [];
  const waiters: { kind: string; resolve: (m: SignalResponse["message"]) => void }[] = [];
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d));
      res.on("end", () => resolve({ refused: true, status: res.statusCode ?? 0, body }));
    });
    ws.once("error", (err) => reject(err));
    ws.on("message", (data: Buffer) => {
      const response = SignalResponse.fromBinary(new Uint8Array(data));
      if (response.message.case === "join") {
        const join = response.message.value;
        let cid = 0;
        resolve({
          join,
          messages,
          closed,
          close: () => ws.close(),
          next(kind, timeoutMs = 10_000) {
            const seen = messages.find((m) => m.message.case === kind);
            if (seen) return Promise.resolve(seen.message);
            return new Promise((res, rej) => {
              const timer = setTimeout(() => rej(new Error(`no ${kind} from the server within ${timeoutMs} ms`)), timeoutMs);
              waiters.push({ kind, resolve: (m) => (clearTimeout(timer), res(m)) });
            });
          },
          addTrack(source, type) {
            const request = new AddTrackRequest({ cid: `track-${++cid}`, name: "test", type, source, width: 640, height: 480 });
            ws.send(new SignalRequest({ message: { case: "addTrack", value: request } }).toBinary());
            return new Promise((res, rej) => {
              const timer = setTimeout(() => rej(new Error("no answer to the add-track request")), 10_000);
              const check = () => {
                const answer = messages.find(
                  (m) =>
                    (m.message.case === "trackPublished" && m.message.value.cid === request.cid) ||
                    (m.message.case === "requestResponse" && m.message.value.request.case === "addTrack" && m.message.value.request.value.cid === request.cid),
                );
                if (answer) {
                  clearTimeout(timer);
                  res(answer.message);
                } else waiters.push({ kind: "*", resolve: check });
              };
              check();
            });
          },
        });
        return;
      }
      messages.push(response);
      for (const w of waiters.splice(0)) {
        if (w.kind === "*" || w.kind === response.message.case) w.resolve(response.message);
        else waiters.push(w);
      }
    });
  });
}

export function isRefusal(result: SignalConnection | Refusal): result is Refusal {
  return "refused" in result;
}

export { RequestResponse_Reason, TrackSource, TrackType } from "@livekit/protocol";
