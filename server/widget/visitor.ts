// The widget's visitor id: zod only, so the public API's schemas (leads, chat) can share it without the settings store.
import { z } from 'zod';

/** The widget's random visitor id (the server keeps only a keyed hash of it). */
export const VisitorId = z.string({ message: 'visitorId is required.' }).regex(/^[A-Za-z0-9_-]{8,64}$/, 'visitorId must be 8–64 letters, digits, - or _.');
