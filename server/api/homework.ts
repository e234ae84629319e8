import type { Context } from "hono";
import { rolesAccess, signedIn } from "../access/access";
import type { HonoEnv } from "../app";
import type { AppServices } from "../services/context";
import {
  addSessionIllustration,
  addTechniqueIllustration,
  archiveTechnique,
  createTechnique,
  listSessionIllustrations,
  listTechniques,
  readIllustration,
} from "../services/homework/catalogue";
import { adherenceForTherapist, homeworkPdfFor } from "../services/homework/homework";
import { readSessionBoard, readSessionHomework } from "../services/board/session-sync";
import type { ApiRoute } from "./route-table";

const staff = rolesAccess("admin", "therapist");

/** The uploaded file: a multipart field "file", or the raw request body with an image content type. */
async function uploadedBytes(c: Context<HonoEnv>): Promise<{ bytes: Uint8Array; caption: string }> {
  const type = c.req.header("content-type") ?? "";
  if (type.startsWith("multipart/form-data")) {
    const body = await c.req.parseBody();
    const file = body.file;
    const caption = typeof body.caption === "string" ? body.caption : "";
    if (file instanceof File) return { bytes: new Uint8Array(await file.arrayBuffer()), caption };
    return { bytes: new Uint8Array(), caption };
  }
  return { bytes: new Uint8Array(await c.req.arrayBuffer()), caption: c.req.query("caption") ?? "" };
}

function fileResponse(bytes: Buffer, contentType: string, disposition: "inline" | "attachment", fileName: string): Response {
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": contentType,
      "Content-Length": String(bytes.length),
      "Content-Disposition": `${disposition}; filename="${fileName}"`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}

/** JSON routes of the homework area. */
export function homeworkRoutes(services: AppServices): ApiRoute[] {
  return [
    { method: "get", path: "/techniques", access: staff, handler: async (c, actor) => c.json({ techniques: await listTechniques(services, actor!) }) },
    {
      method: "post",
      path: "/techniques",
      access: staff,
      handler: async (c, actor) => {
        const result = await createTechnique(services, actor!, await c.req.json().catch(() => ({})));
        return result.ok ? c.json(result.value, 201) : c.json({ error: "INVALID_INPUT", fieldErrors: result.fieldErrors }, 422);
      },
    },
    {
      method: "delete",
      path: "/techniques/:id",
      access: staff,
      handler: async (c, actor) => {
        await archiveTechnique(services, actor!, (c.req.param("id") ?? ""));
        return c.json({ ok: true });
      },
    },
    {
      method: "post",
      path: "/techniques/:id/illustrations",
      access: staff,
      handler: async (c, actor) => {
        const { bytes, caption } = await uploadedBytes(c);
        return c.json(await addTechniqueIllustration(services, actor!, (c.req.param("id") ?? ""), bytes, caption), 201);
      },
    },
    {
      method: "post",
      path: "/sessions/:sessionId/illustrations",
      access: rolesAccess("therapist"),
      handler: async (c, actor) => {
        const { bytes, caption } = await uploadedBytes(c);
        return c.json(await addSessionIllustration(services, actor!, (c.req.param("sessionId") ?? ""), bytes, caption), 201);
      },
    },
    {
      method: "get",
      path: "/sessions/:sessionId/illustrations",
      access: signedIn,
      handler: async (c, actor) => c.json({ illustrations: await listSessionIllustrations(services, actor!, (c.req.param("sessionId") ?? "")) }),
    },
    {
      method: "get",
      path: "/illustrations/:id",
      access: signedIn,
      handler: async (c, actor) => {
        const file = await readIllustration(services, actor!, (c.req.param("id") ?? ""));
        return fileResponse(file.bytes, file.contentType, "inline", file.fileName);
      },
    },
    { method: "get", path: "/sessions/:sessionId/board", access: signedIn, handler: async (c, actor) => c.json(await readSessionBoard(services, actor!, (c.req.param("sessionId") ?? ""))) },
    { method: "get", path: "/sessions/:sessionId/homework", access: signedIn, handler: async (c, actor) => c.json({ items: await readSessionHomework(services, actor!, (c.req.param("sessionId") ?? "")) }) },
    {
      method: "get",
      path: "/sessions/:sessionId/homework-pdf",
      access: signedIn,
      handler: async (c, actor) => {
        const { pdf, fileName } = await homeworkPdfFor(services, actor!, (c.req.param("sessionId") ?? ""));
        return fileResponse(pdf, "application/pdf", "attachment", fileName);
      },
    },
    {
      method: "get",
      path: "/adherence",
      access: rolesAccess("therapist"),
      handler: async (c, actor) => c.json({ patients: await adherenceForTherapist(services, actor!, c.req.query("patientId") || undefined) }),
    },
  ];
}
