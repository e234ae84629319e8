import type { Context } from "hono";
import { rolesAccess } from "../access/access";
import type { HonoEnv } from "../app";
import { type Failure, statusOf } from "../domain/domain-error";
import type { AppServices } from "../services/context";
import {
  attachSnapshotPhoto,
  getDiary,
  getSnapshot,
  getSymmetryTrend,
  loadDiaryDraft,
  myFaceConsent,
  readCapturePhoto,
  saveDiaryDraft,
  submitSnapshot,
} from "../services/diary";
import type { ApiRoute } from "./route-table";

const patient = rolesAccess("patient");
const readers = rolesAccess("patient", "therapist");

function failed(c: Context<HonoEnv>, result: Failure) {
  return c.json({ error: result.code, message: result.formError ?? "Please check the highlighted fields", fieldErrors: result.fieldErrors }, statusOf(result.code));
}

/** JSON routes of the diary area (the pages use the same services through Remix loaders/actions). */
export function diaryRoutes(services: AppServices): ApiRoute[] {
  return [
    {
      method: "get",
      path: "/diary/draft",
      access: patient,
      handler: async (c, actor) => c.json({ draft: await loadDiaryDraft(services, actor!) }),
    },
    {
      method: "put",
      path: "/diary/draft",
      access: patient,
      handler: async (c, actor) => {
        const result = await saveDiaryDraft(services, actor!, await c.req.json().catch(() => null));
        return result.ok ? c.json(result.value) : failed(c, result);
      },
    },
    {
      method: "get",
      path: "/diary/consent",
      access: patient,
      handler: async (c, actor) => c.json({ ...(await myFaceConsent(services, actor!)), modelUrl: services.env.FACE_MODEL_URL }),
    },
    {
      method: "post",
      path: "/diary/snapshots",
      access: patient,
      handler: async (c, actor) => {
        const body = await c.req.json().catch(() => null);
        const result = await submitSnapshot(services, actor!, body);
        return result.ok ? c.json(result.value, 201) : failed(c, result);
      },
    },
    {
      method: "post",
      path: "/diary/snapshots/:snapshotId/photos/:expression",
      access: patient,
      handler: async (c, actor) => {
        const bytes = new Uint8Array(await c.req.arrayBuffer());
        const result = await attachSnapshotPhoto(services, actor!, { snapshotId: (c.req.param("snapshotId") ?? ""), expression: (c.req.param("expression") ?? ""), bytes });
        return result.ok ? c.json(result.value, 201) : failed(c, result);
      },
    },
    {
      method: "get",
      path: "/diary/snapshots/:snapshotId",
      access: readers,
      handler: async (c, actor) => c.json(await getSnapshot(services, actor!, (c.req.param("snapshotId") ?? ""))),
    },
    {
      method: "get",
      path: "/diary/photos/:captureId",
      access: readers,
      handler: async (c, actor) => {
        const captureId = c.req.param("captureId") ?? "";
        const photo = await readCapturePhoto(services, actor!, captureId);
        // Shown in the page, but saved under a plain name, never rendered as anything but a picture.
        const disposition = `inline; filename="face-photo-${captureId}.${photo.mime.split("/")[1]}"`;
        return new Response(Buffer.from(photo.bytes), { headers: { "content-type": photo.mime, "content-disposition": disposition, "cache-control": "private, no-store", "x-content-type-options": "nosniff" } });
      },
    },
    {
      method: "get",
      path: "/diary/patients/:patientId",
      access: readers,
      handler: async (c, actor) => c.json(await getDiary(services, actor!, (c.req.param("patientId") ?? ""))),
    },
    {
      method: "get",
      path: "/diary/patients/:patientId/trend",
      access: readers,
      handler: async (c, actor) => c.json(await getSymmetryTrend(services, actor!, (c.req.param("patientId") ?? ""))),
    },
  ];
}
