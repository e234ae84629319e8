import { buildDataExport, DATA_EXPORT_JOB } from "../services/data-rights";
import { PermanentJobError, type JobHandlers } from "./worker";

/** Jobs of the trust area (patients' data exports). */
export function trustJobHandlers(): JobHandlers {
  return {
    [DATA_EXPORT_JOB]: async (payload, { services }) => {
      const exportId = (payload as { exportId?: unknown }).exportId;
      if (typeof exportId !== "string") throw new PermanentJobError("data export job without an export id");
      const { sizeBytes, tables } = await buildDataExport(services, exportId);
      return `ready: ${tables} kinds of records, ${sizeBytes} bytes`;
    },
  };
}
