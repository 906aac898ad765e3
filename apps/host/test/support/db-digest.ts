import type pg from 'pg';

const tableLists = new WeakMap<pg.Pool, Promise<string>>();

/** One query hashing every row of every table (migrations aside): equal digests mean nothing was stored. */
async function digestQuery(db: pg.Pool): Promise<string> {
  const { rows } = await db.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY tablename`,
  );
  return rows
    .map(
      ({ tablename }) =>
        `SELECT '${tablename}' AS "table", md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS "hash" FROM "${tablename}" t`,
    )
    .join(' UNION ALL ');
}

/** A digest per table of the host's database. */
export async function databaseDigest(db: pg.Pool): Promise<Record<string, string>> {
  let query = tableLists.get(db);
  if (!query) {
    query = digestQuery(db);
    tableLists.set(db, query);
  }
  const { rows } = await db.query<{ table: string; hash: string }>(await query);
  return Object.fromEntries(rows.map((row) => [row.table, row.hash]));
}

/** The tables whose digest differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((table) => before[table] !== after[table]);
}
