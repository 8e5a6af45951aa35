/**
 * Fetches a pasted snippet (a Slack file) as text. Only from Slack's file hosts (or the configured API
 * host, for proxies and tests), only text files, time-bounded, and at most `maxBytes` of it: a larger
 * file is cut there and the cut reported. The bot token is never sent anywhere else.
 */
import { CodedError } from '../../cluster/coded-error.ts';

/** The parts of a Slack file object we use. */
export interface SlackFileRef {
  id?: string;
  name?: string;
  mimetype?: string;
  filetype?: string;
  size?: number;
  url_private?: string;
  url_private_download?: string;
}

export interface FetchFileOptions {
  token: string;
  /** Extra allowed hosts ("host" or "host:port"), e.g. the host of SLACK_API_URL. */
  extraHosts: string[];
  maxBytes?: number;
  timeoutMs?: number;
}

/** Why a file was not read, worded for the user. */
export class FileFetchError extends CodedError<
  'FILE_NOT_TEXT' | 'FILE_HOST_NOT_ALLOWED' | 'FILE_FETCH_FAILED'
> {
  override name = 'FileFetchError';
}

const TEXT_TYPES = new Set([
  'text',
  'txt',
  'plain',
  'log',
  'shell',
  'bash',
  'markdown',
  'csv',
  'yaml',
  'json',
]);

/** True when the file looks like text (a snippet or a text upload). */
export function isTextFile(f: SlackFileRef): boolean {
  return (f.mimetype ?? '').startsWith('text/') || TEXT_TYPES.has((f.filetype ?? '').toLowerCase());
}

/** True when `url` is https on a Slack file host, or on one of `extraHosts` (any scheme). */
export function isAllowedFileUrl(url: string, extraHosts: string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (extraHosts.includes(u.host) || extraHosts.includes(u.hostname)) return true;
  const slack = /(^|\.)slack\.com$|(^|\.)slack-gov\.com$|(^|\.)slack-edge\.com$/.test(u.hostname);
  return slack && u.protocol === 'https:';
}

/** A snippet's text; `cut` says the file was longer and only its first bytes were read. */
export interface FileText {
  text: string;
  cut: { readBytes: number; sizeBytes: number | null } | null;
}

/** Downloads the file's text (its first `maxBytes`, default 2,000,000) with the bot token; throws FileFetchError. */
export async function fetchFileText(f: SlackFileRef, opts: FetchFileOptions): Promise<FileText> {
  const maxBytes = opts.maxBytes ?? 2_000_000;
  if (!isTextFile(f)) throw new FileFetchError('FILE_NOT_TEXT', `${f.name ?? 'the file'} is not a text file`);
  const url = f.url_private_download ?? f.url_private;
  if (!url || !isAllowedFileUrl(url, opts.extraHosts)) {
    throw new FileFetchError('FILE_HOST_NOT_ALLOWED', 'the file is not on a Slack file host');
  }
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { authorization: `Bearer ${opts.token}` },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
  } catch (err) {
    throw new FileFetchError('FILE_FETCH_FAILED', `could not download the file (${(err as Error).name})`);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new FileFetchError('FILE_FETCH_FAILED', `downloading the file answered HTTP ${res.status}`);
  }
  if ((res.headers.get('content-type') ?? '').includes('text/html')) {
    await res.body.cancel();
    throw new FileFetchError(
      'FILE_FETCH_FAILED',
      'Slack answered with a web page: is the files:read scope granted?',
    );
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  let cut = false;
  for await (const chunk of res.body) {
    const room = maxBytes - total;
    if (chunk.byteLength > room) {
      chunks.push(chunk.subarray(0, room));
      total = maxBytes;
      cut = true;
      break; // leaving the loop cancels the rest of the download
    }
    total += chunk.byteLength;
    chunks.push(chunk);
  }
  const sizeBytes = typeof f.size === 'number' && f.size > 0 ? f.size : null;
  return {
    text: Buffer.concat(chunks).toString('utf8'),
    cut: cut ? { readBytes: total, sizeBytes } : null,
  };
}
