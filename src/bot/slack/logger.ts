/** Where the bot's Slack code finds its logger: the process logger and Bolt adapter live in src/ops/. */
export { boltLogger } from '../../ops/log/bolt.ts';
export { createLogger, scrubSecrets } from '../../ops/logger.ts';
