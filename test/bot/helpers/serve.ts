/** How `redis-runbook serve` runs against the fake Slack in its own process (tests and bench). Test-only. */
import { BOT_TOKEN, type FakeSlack } from './fake-slack.ts';
import { SIGNING_SECRET } from './signed.ts';

/**
 * Environment for `serve` over HTTP against `fake`: test tokens, its Web API URL, no Socket Mode, any
 * port, and `queueUrl` as the queue Redis (a test's own standalone redis-server, never 127.0.0.1:6379).
 */
export function serveEnv(fake: Pick<FakeSlack, 'apiUrl'>, queueUrl: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    REDIS_URL: queueUrl,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    SLACK_APP_TOKEN: '',
    PORT: '0',
    LOG_LEVEL: 'info',
  };
}

/** The port `serve` logged in its "started" event; undefined until that line is in `stdout`. */
export function startedPort(stdout: string): string | undefined {
  return /"event":"started".*?"port":(\d+)/.exec(stdout)?.[1];
}
