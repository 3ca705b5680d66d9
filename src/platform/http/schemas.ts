import { z } from 'zod';

export const idParam = z.strictObject({ id: z.uuid('must be an id') });
export const isoDate = z.iso.date('must be a date YYYY-MM-DD');
export const okSchema = z.object({ ok: z.literal(true) });
