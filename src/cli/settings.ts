/**
 * `redis-runbook settings <cluster|host:port>`: reads every node's production settings live and reports
 * them with the findings about them; a setting that could not be read is shown as unknown. Exit 0, 2 for
 * a usage error (unknown cluster, bad address), 3 when no node answered.
 */

import { settingsMessage } from '../bot/render/settings.ts';
import { renderText } from '../bot/shell/render.ts';
import { isConfigError } from '../config/errors.ts';
import { diagnose } from '../diagnose/diagnose.ts';
import type { ProbeOptions } from '../diagnose/probe/probe.ts';
import { settingsReport } from '../diagnose/settings/report.ts';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.ts';
import { nobodyAnsweredExit } from './live.ts';
import { probeTarget } from './live-target.ts';
import type { TargetOptions } from './target-options.ts';

/** Options of `settings` (and, for tests, the probe settings and where output goes). */
export interface SettingsCliOptions extends TargetOptions {
  json?: boolean;
  probe?: ProbeOptions;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

/** Runs `settings`; resolves with the exit code. */
export async function runSettings(target: string, opts: SettingsCliOptions = {}): Promise<number> {
  const out = opts.out ?? ((t: string) => process.stdout.write(`${t}\n`));
  const err = opts.err ?? ((t: string) => process.stderr.write(`${t}\n`));
  let probed: Awaited<ReturnType<typeof probeTarget>>;
  try {
    probed = await probeTarget(target, opts);
  } catch (e) {
    if (!isConfigError(e)) throw e;
    err(`redis-runbook settings: ${e.message} [${e.code}]`);
    return EXIT_USAGE;
  }
  const { cluster, snapshot } = probed;
  const d = diagnose(snapshot);
  const report = settingsReport(snapshot, d);
  if (opts.json) {
    out(JSON.stringify({ cluster: cluster.name, nodes: report.nodes, findings: report.findings }, null, 2));
  } else {
    out(renderText(settingsMessage(report, cluster.name)).join('\n'));
  }
  if (d.visibility.nodesSeen === 0) return nobodyAnsweredExit(snapshot, err);
  return EXIT_OK;
}
