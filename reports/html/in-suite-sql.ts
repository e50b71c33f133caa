// The SQL condition "case row c is one of suite ?'s drawn cases", for stores with or without the
// role column (shrink candidates are case rows with role 'shrink', counted nowhere in a report).

import type Database from 'better-sqlite3';

export function inSuiteSql(db: Database.Database): string {
  const columns = (db.prepare("SELECT name FROM pragma_table_info('cases')").all() as { name: string }[]).map((c) => c.name);
  return columns.includes('role') ? "c.suite_id = ? AND c.role = 'case'" : 'c.suite_id = ?';
}
