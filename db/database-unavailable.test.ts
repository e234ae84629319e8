import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "./client";

const withCode = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("telling an unreachable database from other errors", () => {
  it("recognises refused, reset and timed-out connections (node and postgres.js codes)", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_DESTROYED"]) expect(isDatabaseUnavailable(withCode(code)), code).toBe(true);
  });

  it("recognises PostgreSQL's connection-exception class and shutdowns", () => {
    expect(isDatabaseUnavailable(withCode("08006"))).toBe(true);
    expect(isDatabaseUnavailable(withCode("57P01"))).toBe(true);
  });

  it("looks inside wrapped errors and AggregateErrors (a connection tried on several addresses)", () => {
    expect(isDatabaseUnavailable(new Error("query failed", { cause: withCode("ECONNREFUSED") }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNREFUSED")]))).toBe(true);
  });

  it("leaves bugs, constraint violations and non-errors alone", () => {
    expect(isDatabaseUnavailable(new TypeError("x is undefined"))).toBe(false);
    expect(isDatabaseUnavailable(withCode("23505"))).toBe(false);
    expect(isDatabaseUnavailable(withCode("42P01"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    expect(isDatabaseUnavailable("ECONNREFUSED")).toBe(false);
  });
});
