import { describe, expect, it } from "vitest";
import { clientAddress } from "./client-address";

const behindOneProxy = { trustedProxyHeader: "x-forwarded-for", trustedProxyHops: 1 };

describe("client address behind a trusted proxy", () => {
  it("takes the entry our proxy appended, not what the client wrote in front of it", () => {
    expect(clientAddress(behindOneProxy, "203.0.113.7, 198.51.100.2", "10.0.0.1")).toBe("198.51.100.2");
    expect(clientAddress(behindOneProxy, ["203.0.113.7", "198.51.100.2"], "10.0.0.1")).toBe("198.51.100.2");
    expect(clientAddress(behindOneProxy, "198.51.100.2", "10.0.0.1")).toBe("198.51.100.2");
  });

  it("counts the configured number of our own proxies from the right", () => {
    expect(clientAddress({ ...behindOneProxy, trustedProxyHops: 2 }, "203.0.113.7, 198.51.100.2, 10.0.0.9", "10.0.0.1")).toBe("198.51.100.2");
  });

  it("falls back to the TCP peer when the header is missing or not an address", () => {
    expect(clientAddress(behindOneProxy, undefined, "10.0.0.1")).toBe("10.0.0.1");
    expect(clientAddress(behindOneProxy, "203.0.113.7, not-an-ip", "10.0.0.1")).toBe("10.0.0.1");
    expect(clientAddress({ ...behindOneProxy, trustedProxyHops: 3 }, "198.51.100.2", "10.0.0.1")).toBe("10.0.0.1");
  });

  it("ignores the header when no proxy is trusted", () => {
    expect(clientAddress({ trustedProxyHops: 1 }, "203.0.113.7", "10.0.0.1")).toBe("10.0.0.1");
    expect(clientAddress({ trustedProxyHops: 1 }, undefined, undefined)).toBe("0.0.0.0");
  });
});
