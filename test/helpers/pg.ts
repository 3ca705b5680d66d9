// The test PostgreSQL server (TEST_DATABASE_URL): administration statements and URLs of the
// databases that the test run creates on it.
import pg from 'pg';

/** Runs one statement as the server's administrator (TEST_DATABASE_URL: trust on loopback). */
export async function pgAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** TEST_DATABASE_URL pointing at another database on the same server. */
export function pgDatabaseUrl(database: string): string {
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}
