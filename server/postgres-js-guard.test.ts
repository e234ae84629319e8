import { describe, expect, it } from "vitest";
import { isPostgresJsClosedSocketWrite } from "./postgres-js-guard";

const withStack = (error: Error, stack: string) => Object.assign(error, { stack: `${error.name}: ${error.message}\n${stack}` });

describe("the guard against postgres.js's write on a closed connection", () => {
  it("recognises exactly that crash", () => {
    const error = withStack(new TypeError("Cannot read properties of null (reading 'write')"), "    at Immediate.nextWrite (file:///app/node_modules/postgres/src/connection.js:255:22)\n    at process.processImmediate (node:internal/timers:485:21)");
    expect(isPostgresJsClosedSocketWrite(error)).toBe(true);
  });

  it("lets every other uncaught exception through", () => {
    expect(isPostgresJsClosedSocketWrite(withStack(new TypeError("Cannot read properties of null (reading 'write')"), "    at render (file:///app/server/app.ts:10:3)"))).toBe(false);
    expect(isPostgresJsClosedSocketWrite(withStack(new TypeError("x is not a function"), "    at Immediate.nextWrite (file:///app/node_modules/postgres/src/connection.js:255:22)"))).toBe(false);
    expect(isPostgresJsClosedSocketWrite(new Error("boom"))).toBe(false);
  });
});
