/**
 * "Is this password in the configured breach corpus?" for the sign-in pipeline and for every new
 * password. A corpus that cannot be read is logged and counts as not found: the built-in list of
 * common passwords (checked by the callers first) still applies.
 */
import type { Logger } from 'pino';
import type { BreachCorpus } from './corpus.js';

export async function inBreachCorpus(
  corpus: BreachCorpus | null,
  logger: Logger,
  password: string,
): Promise<boolean> {
  if (!corpus) return false;
  try {
    return (await corpus.count(password)) > 0;
  } catch (error) {
    logger.warn({ err: error }, 'breach corpus unreadable: checked the built-in list only');
    return false;
  }
}
