import { buildDataExport, DATA_EXPORT_JOB } from "./data-rights";
import { ERASURE_JOB, purgeExpiredRetention, runErasure } from "./erasure";
import { PermanentJobError, type JobHandlers } from "../jobs/worker";

/** Jobs of the trust area (patients' data exports and erasures). */
export function trustJobHandlers(): JobHandlers {
  return {
    [DATA_EXPORT_JOB]: async (payload, { services }) => {
      const exportId = (payload as { exportId?: unknown }).exportId;
      if (typeof exportId !== "string") throw new PermanentJobError("data export job without an export id");
      const { sizeBytes, tables } = await buildDataExport(services, exportId);
      return `ready: ${tables} kinds of records, ${sizeBytes} bytes`;
    },
    [ERASURE_JOB]: async (payload, { services }) => {
      const requestId = (payload as { requestId?: unknown }).requestId;
      if (typeof requestId !== "string") throw new PermanentJobError("erasure job without a request id");
      const { tables, files } = await runErasure(services, requestId);
      const purged = await purgeExpiredRetention(services);
      return `erased: rows in ${tables} tables, ${files} files; ${purged} expired invoices purged`;
    },
  };
}
