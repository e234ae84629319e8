/** Tables of the diary area (see db/migrations). */
export interface DiaryTables {}
