import { runWhiteboardBench } from "./whiteboard";

const rows = await runWhiteboardBench();
console.table(rows);
process.exit(0);
