import { createHmac } from "node:crypto";
import type { Env } from "../env";

export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** TURN credentials live one hour longer than the longest session, never more. */
export const TURN_CREDENTIAL_TTL_SECONDS = 3 * 60 * 60;

const list = (value: string) =>
  value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * ICE servers for peer-to-peer calls: STUN as configured, and TURN with short-lived credentials in
 * coturn's REST-secret scheme (`use-auth-secret`): username `<expiry>:<user>`, password
 * base64(HMAC-SHA1(secret, username)), so no long-lived TURN password is ever sent to a browser.
 */
export function iceServersFor(env: Pick<Env, "STUN_URLS" | "TURN_URLS" | "TURN_SECRET">, userId: string, now: Date): IceServer[] {
  const servers: IceServer[] = [];
  const stun = list(env.STUN_URLS);
  if (stun.length) servers.push({ urls: stun });
  const turn = list(env.TURN_URLS);
  if (turn.length && env.TURN_SECRET) {
    const username = `${Math.floor(now.getTime() / 1000) + TURN_CREDENTIAL_TTL_SECONDS}:${userId}`;
    const credential = createHmac("sha1", env.TURN_SECRET).update(username).digest("base64");
    servers.push({ urls: turn, username, credential });
  }
  return servers;
}
