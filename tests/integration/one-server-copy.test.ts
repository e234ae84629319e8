import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_BUILD_FILE } from "../../server/paths";
import { SESSION_KINDS } from "../../server/domain/session-kinds";
import { type Client, signedInClients } from "../setup/sign-in";
import { createTestApp, type TestApp } from "../setup/test-app";

/**
 * The pages' server build holds no copy of the services: it imports them from source, so the pages
 * and the API run the same modules (one module state, `instanceof` works, no stale copy after a pull).
 */
describe("one copy of the server at run time", () => {
  let t: TestApp;
  let therapist: Client;
  beforeAll(async () => {
    t = await createTestApp({ kind: "pglite" });
    therapist = (await signedInClients(t)).therapist;
  });
  afterAll(async () => t?.dispose());

  it("the web bundle imports the services instead of carrying them", () => {
    const bundle = readFileSync(SERVER_BUILD_FILE, "utf8");
    expect(bundle).not.toContain("This session belongs to other people");
    expect(bundle).not.toContain("insertInto(\"clinicalSession\")");
    expect(bundle).toMatch(/from\s*["'][./]*server\/services\/sessions\/access\.ts["']/);
  });

  it("a change to a server module is what the pages serve, without a rebuild", async () => {
    const supporting = SESSION_KINDS.supporting as { label: string };
    const before = supporting.label;
    try {
      supporting.label = "Follow-up visit";
      const page = await (await therapist.request("/therapist")).text();
      expect(page).toContain("Follow-up visit (1 h 30)");
    } finally {
      supporting.label = before;
    }
  });
});
