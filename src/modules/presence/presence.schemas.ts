import { z } from 'zod';
import type { PresenceEvent } from '../../protocol/events.js';

/** The `presence` event, for the API documents (src/modules/api-docs); a type test holds it equal to PresenceEvent. */
export const presenceEventSchema = z.object({
  userId: z.string().meta({ description: 'The contact who came online or went offline' }),
  online: z.boolean(),
  lastSeenAt: z.iso.datetime().nullable().meta({ description: 'When their last socket closed; null when online' }),
}) satisfies z.ZodType<PresenceEvent>;
