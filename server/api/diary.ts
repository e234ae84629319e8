import type { AppServices } from "../services/context";
import type { ApiRoute } from "./route-table";

/** JSON routes of the diary area. */
export function diaryRoutes(_services: AppServices): ApiRoute[] {
  return [];
}
