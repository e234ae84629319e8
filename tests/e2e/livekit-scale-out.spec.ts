// Scale-out on LiveKit (README "Scale-out"): two livekit-server nodes sharing one Redis, two app
// instances sharing one PostgreSQL (socket.io's PostgreSQL adapter) behind one load balancer. The
// patient comes in through app A and LiveKit node 1, the therapist through app B and node 2; they end
// in one room and see each other. App A is killed mid-call: media goes on through the SFU, the
// patient's socket reconnects through the load balancer to B, and the call's signalling reaches them there.

import { expect, type LaunchOptions, type Page, test } from "@playwright/test";
import { type AppProcess, freePort, startAppProcess } from "../setup/app-process";
import { createTestDatabase, type TestDatabase } from "../setup/databases";
import { startTestLiveKitServer, type RunningLiveKitServer } from "../setup/livekit-server";
import { LoadBalancer } from "../setup/load-balancer";
import { startRedisServer, type RunningRedis } from "../setup/redis-server";
import { expectAudioFlowing, expectVideoFlowing, localInputValue } from "./support/call";
import { logIn } from "./support/helpers";

const PUBLIC_PORT = Number(process.env.E2E_PORT ?? 3510) + 4;
const PUBLIC_URL = `http://127.0.0.1:${PUBLIC_PORT}`;
const MAIL_SMTP_PORT = Number(process.env.E2E_MAIL_SMTP_PORT ?? 3526);

test.skip(!process.env.TEST_DATABASE_URL, "needs PostgreSQL (TEST_DATABASE_URL)");
test.use({
  baseURL: PUBLIC_URL,
  launchOptions: [
    async ({ launchOptions }: { launchOptions: LaunchOptions }, use: (options: LaunchOptions) => Promise<void>) =>
      use({ ...launchOptions, args: [...(launchOptions.args ?? []), "--allow-loopback-in-peer-connection"] }),
    { scope: "worker" },
  ] as never,
});

let redis: RunningRedis;
let nodes: RunningLiveKitServer[] = [];
let database: TestDatabase;
const apps: AppProcess[] = [];
let balancer: LoadBalancer;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  redis = await startRedisServer();
  const webhookUrl = `${PUBLIC_URL}/api/livekit/webhook`;
  nodes = [await startTestLiveKitServer({ name: "node-1", webhookUrl, redisAddress: redis.address }), await startTestLiveKitServer({ name: "node-2", webhookUrl, redisAddress: redis.address })];
  database = await createTestDatabase("postgres");
  const ports = [await freePort(), await freePort()];
  for (const [i, node] of nodes.entries()) {
    // A seeds the demo clinic and migrates; B starts on the ready database.
    apps.push(
      await startAppProcess({
        name: `app instance ${"AB"[i]}`,
        port: ports[i]!,
        env: {
          PUBLIC_URL,
          DATABASE_URL: database.url,
          AUTH_SECRET: "scale-out-livekit-secret-0123456789abcdef",
          SEED_DEMO: i === 0 ? "true" : "false",
          SMTP_URL: `smtp://127.0.0.1:${MAIL_SMTP_PORT}`,
          AUTH_RATE_LIMIT_MAX: "100",
          LOG_LEVEL: "warn",
          LIVEKIT_URL: node.url,
          LIVEKIT_API_KEY: node.apiKey,
          LIVEKIT_API_SECRET: node.apiSecret,
        },
      }),
    );
  }
  balancer = new LoadBalancer(ports);
  await balancer.listen(PUBLIC_PORT);
});

test.afterAll(async () => {
  await balancer?.close();
  await Promise.all(apps.map((app) => app.stop()));
  await Promise.all(nodes.map((node) => node.stop()));
  await redis?.stop();
  await database?.dispose();
});

/** The LiveKit node a page's call connected to (its signalling WebSocket). */
function liveKitNodeOf(page: Page): Promise<string> {
  return new Promise((resolve) => page.on("websocket", (ws) => ws.url().includes("/rtc") && resolve(new URL(ws.url()).port)));
}

test("two LiveKit nodes on one Redis, two app instances on one PostgreSQL: one room across both, app A killed mid-call", async ({ browser }) => {
  test.setTimeout(180_000);
  const therapist = await (await browser.newContext()).newPage();
  const patient = await (await browser.newContext()).newPage();
  const therapistNode = liveKitNodeOf(therapist);
  const patientNode = liveKitNodeOf(patient);

  // The therapist's connections go to app B (and its LiveKit node 2).
  balancer.prefer(1);
  await logIn(therapist, "therapist1@demo.clinic");
  await therapist.getByLabel("Patient").selectOption({ label: "Paula Patient" });
  await therapist.getByLabel("Kind of session").selectOption("supporting");
  await therapist.getByLabel(/^Start/).fill(localInputValue("Europe/Sofia", new Date(Date.now() + 60_000)));
  await therapist.getByRole("button", { name: "Schedule and invite the patient" }).click();
  await expect(therapist).toHaveURL(/\/sessions\/[0-9a-f-]{36}$/);
  const sessionUrl = therapist.url();
  await therapist.getByRole("button", { name: "Join the session" }).click();
  await expect(therapist.getByText("Waiting for Paula Patient to join…")).toBeVisible();

  // The patient's go to app A (and node 1); admitting crosses from B to A through PostgreSQL.
  balancer.prefer(0);
  await logIn(patient, "patient1@demo.clinic");
  await patient.goto(sessionUrl);
  await patient.getByRole("button", { name: "Join the session" }).click();
  await therapist.getByRole("button", { name: "Admit Paula Patient" }).click();
  expect(await patientNode).toBe(String(nodes[0]!.ports.http));
  expect(await therapistNode).toBe(String(nodes[1]!.ports.http));
  await expectVideoFlowing(patient);
  await expectVideoFlowing(therapist);
  await expectAudioFlowing(therapist);

  // App A dies (SIGKILL). The SFU carries the media on; the patient's socket comes back through B.
  balancer.prefer(1);
  const routedBefore = balancer.routed.length;
  await apps[0]!.stop("SIGKILL");
  await expectVideoFlowing(patient);
  await expectVideoFlowing(therapist);
  await expect.poll(() => patient.evaluate(() => (window as unknown as { __appSocket?: { connected: boolean } }).__appSocket?.connected), { timeout: 20_000 }).toBe(true);
  expect(balancer.routed.slice(routedBefore)).not.toContain(0);

  // The call's signalling reaches the patient through B: the therapist ends the session, the patient sees it.
  await therapist.getByRole("button", { name: "End session" }).click();
  await therapist.getByRole("button", { name: "Yes, end session" }).click();
  await expect(patient.getByRole("heading", { name: "The session has ended" })).toBeVisible({ timeout: 15_000 });
});
