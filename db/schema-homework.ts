/** Tables of the homework area (see db/migrations). */
export interface HomeworkTables {}
