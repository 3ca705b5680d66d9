// The test PostgreSQL server (TEST_DATABASE_URL): administration statements (schemas per test).
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
