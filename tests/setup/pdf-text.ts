import { inflateSync } from "node:zlib";

/**
 * The text drawn in a PDF made with standard fonts: every stream inflated (node:zlib), then the
 * strings of its text operators (Tj/TJ, literal or hex) joined. Enough to find words a test expects.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString("latin1");
  const contents: string[] = [];
  const streamPattern = /stream\r?\n/g;
  let match: RegExpExecArray | null;
  while ((match = streamPattern.exec(raw))) {
    const start = match.index + match[0].length;
    const end = raw.indexOf("endstream", start);
    if (end < 0) break;
    const bytes = pdf.subarray(start, end);
    try {
      contents.push(inflateSync(bytes).toString("latin1"));
    } catch {
      contents.push(bytes.toString("latin1"));
    }
    streamPattern.lastIndex = end + "endstream".length;
  }
  const out: string[] = [];
  for (const content of contents) {
    for (const block of content.match(/\[(?:[^\]\\]|\\.)*\]\s*TJ|(?:<[0-9a-fA-F\s]*>|\((?:[^)\\]|\\.)*\))\s*Tj/g) ?? []) {
      let line = "";
      for (const part of block.match(/<[0-9a-fA-F\s]*>|\((?:[^)\\]|\\.)*\)/g) ?? []) {
        if (part.startsWith("<")) line += Buffer.from(part.slice(1, -1).replace(/\s/g, ""), "hex").toString("latin1");
        else line += part.slice(1, -1).replace(/\\([()\\])/g, "$1");
      }
      out.push(line);
    }
  }
  return out.join("\n");
}
