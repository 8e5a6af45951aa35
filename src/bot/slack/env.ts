/** Reads and checks the Slack settings from the environment; every problem is listed, none thrown. */

export interface SlackEnv {
  botToken: string;
  /** Absent only in Socket Mode, which does not sign requests. */
  signingSecret?: string;
  /** Set => Socket Mode. */
  appToken?: string;
  /** Web API base URL (GovSlack, a proxy, or a test double); ends with "/". */
  apiUrl?: string;
  port: number;
}

export type SlackEnvResult = { ok: true; env: SlackEnv } | { ok: false; problems: string[] };

/** Validates SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, SLACK_API_URL and PORT. */
export function readSlackEnv(env: NodeJS.ProcessEnv = process.env): SlackEnvResult {
  const problems: string[] = [];
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const botToken = get('SLACK_BOT_TOKEN');
  const signingSecret = get('SLACK_SIGNING_SECRET');
  const appToken = get('SLACK_APP_TOKEN');
  const apiUrl = get('SLACK_API_URL');
  const portText = get('PORT') ?? '3000';
  if (!botToken) problems.push('SLACK_BOT_TOKEN is not set (the xoxb-... token from OAuth & Permissions).');
  else if (!botToken.startsWith('xoxb-'))
    problems.push('SLACK_BOT_TOKEN must be a bot token starting with xoxb-.');
  if (appToken !== undefined && !appToken.startsWith('xapp-')) {
    problems.push(
      'SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information > App-Level Tokens).',
    );
  }
  if (!appToken && !signingSecret) {
    problems.push(
      'SLACK_SIGNING_SECRET is not set (Basic Information > App Credentials); it is needed in HTTP mode. For Socket Mode set SLACK_APP_TOKEN instead.',
    );
  }
  if (apiUrl !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(apiUrl)) {
    problems.push('SLACK_API_URL must be an http(s) URL such as https://slack.com/api/.');
  }
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT must be a port number, not "${portText}".`);
  if (problems.length > 0 || !botToken) return { ok: false, problems };
  return {
    ok: true,
    env: {
      botToken,
      port,
      ...(signingSecret ? { signingSecret } : {}),
      ...(appToken ? { appToken } : {}),
      ...(apiUrl ? { apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } : {}),
    },
  };
}
