/** Prints the face snapshot benchmark as a table: `npx remix vite:build && node --import tsx tests/bench/run-face.ts`. */
import { runFaceBench } from "./face";

const rows = await runFaceBench();
for (const row of rows) {
  const { measure, ...rest } = row;
  console.log(`${String(measure)}\n    ${Object.entries(rest).map(([k, v]) => `${k}: ${v}`).join("   ")}`);
}
process.exit(0);
