/**
 * The client's address, for per-address limits and the audit trail. Behind a reverse proxy the TCP peer
 * is the proxy, and the proxy *appends* the address it saw to the header (X-Forwarded-For: client-sent,
 * …, real-client). Only entries added by our own proxies can be trusted, so we count from the right:
 * with one trusted hop the rightmost entry, with two the one before it. Whatever a client writes into
 * the header itself sits further left and is never taken.
 */
import { isIP } from "node:net";

export interface ClientAddressConfig {
  /** e.g. "x-forwarded-for"; unset: the TCP peer is the client. */
  trustedProxyHeader?: string;
  /** How many proxies of ours append to that header (1: a single reverse proxy). */
  trustedProxyHops: number;
}

export const UNKNOWN_ADDRESS = "0.0.0.0";

export function clientAddress(config: ClientAddressConfig, headerValue: string | string[] | undefined, peerAddress: string | undefined): string {
  const peer = peerAddress && isIP(peerAddress) ? peerAddress : UNKNOWN_ADDRESS;
  if (!config.trustedProxyHeader) return peer;
  // Several header lines are one list, in order (RFC 9110 §5.3).
  const joined = Array.isArray(headerValue) ? headerValue.join(",") : headerValue;
  if (!joined) return peer;
  const entries = joined.split(",").map((entry) => entry.trim());
  const appended = entries[entries.length - Math.max(1, config.trustedProxyHops)];
  return appended && isIP(appended) ? appended : peer;
}

export function proxyConfig(env: { TRUSTED_PROXY_HEADER?: string; TRUSTED_PROXY_HOPS: number }): ClientAddressConfig {
  return { trustedProxyHeader: env.TRUSTED_PROXY_HEADER, trustedProxyHops: env.TRUSTED_PROXY_HOPS };
}
