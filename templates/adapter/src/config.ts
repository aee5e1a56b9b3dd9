import { ValidationError } from '@quantkubera/core';
import { z } from 'zod';
import { VENUE_NAME } from './constants.js';

/** The adapter's configuration, as a descriptor or the environment supplies it. */
export const AdapterConfigSchema = z
  .object({
    /** The venue API key. */
    apiKey: z.string().min(1),
    /** The venue API secret, used to sign private requests. */
    apiSecret: z.string().min(1),
    /** Names the gateway in health events and logs. */
    gatewayId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,48}$/)
      .default(VENUE_NAME),
  })
  .strict();

/** A validated adapter configuration. */
export type AdapterConfig = z.infer<typeof AdapterConfigSchema>;

/** Validates a configuration; a `ValidationError` names every bad field. */
export function parseConfig(input: unknown, source = `${VENUE_NAME} adapter config`): AdapterConfig {
  const result = AdapterConfigSchema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(source, result.error);
  return result.data;
}
