import type { Page } from "@playwright/test";

type BoardHook = { __board?: { elements(): { id: string; version: number; versionNonce: number }[]; pending(): number } };

/** The board's elements as the page holds them (id, version, nonce), sorted by id. */
export const boardOf = (page: Page) => page.evaluate(() => ((window as unknown as BoardHook).__board?.elements() ?? []).sort((a, b) => (a.id < b.id ? -1 : 1)));
/** Changes not yet acknowledged by the server (-1 while the board is not open). */
export const pendingOf = (page: Page) => page.evaluate(() => (window as unknown as BoardHook).__board?.pending() ?? -1);

/** Draws a shape with an Excalidraw tool by dragging on the canvas (offsets relative to the canvas). */
export async function draw(page: Page, tool: "rectangle" | "ellipse" | "diamond", from: [number, number], to: [number, number]) {
  await page.getByTitle(new RegExp(`^${tool} —`, "i")).click();
  const box = (await page.getByTestId("board-canvas").boundingBox())!;
  await page.mouse.move(box.x + from[0], box.y + from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + (from[0] + to[0]) / 2, box.y + (from[1] + to[1]) / 2, { steps: 4 });
  await page.mouse.move(box.x + to[0], box.y + to[1], { steps: 4 });
  await page.mouse.up();
}
