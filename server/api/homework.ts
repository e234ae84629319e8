import type { AppServices } from "../services/context";
import type { ApiRoute } from "./route-table";

/** JSON routes of the homework area. */
export function homeworkRoutes(_services: AppServices): ApiRoute[] {
  return [];
}
