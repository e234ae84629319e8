import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_DIR } from "../../server/paths";
import { createTestApp, type TestApp } from "../setup/test-app";

describe("face model and MediaPipe runtime served by the app", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ kind: "pglite" });
  });
  afterAll(() => t?.dispose());

  it("the model matches its checksum file", () => {
    const dir = path.join(PUBLIC_DIR, "models");
    const [expected] = readFileSync(path.join(dir, "face_landmarker.task.sha256"), "utf8").split(/\s+/);
    expect(createHash("sha256").update(readFileSync(path.join(dir, "face_landmarker.task"))).digest("hex")).toBe(expected);
  });

  it("serves the model and the wasm (as application/wasm) without a session, keeping the CSP", async () => {
    const model = await t.app.request("http://clinic.test/models/face_landmarker.task");
    expect(model.status).toBe(200);
    expect(Number(model.headers.get("content-length") ?? (await model.arrayBuffer()).byteLength)).toBeGreaterThan(3_000_000);
    const wasm = await t.app.request("http://clinic.test/mediapipe/wasm/vision_wasm_internal.wasm");
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get("content-type")).toBe("application/wasm");
    expect(wasm.headers.get("content-security-policy")).toContain("'wasm-unsafe-eval'");
    expect((await t.app.request("http://clinic.test/mediapipe/wasm/../../package.json")).status).not.toBe(200);
  });
});
