/**
 * The bot core: command routing, access checks, pastes and buttons. Transport-neutral: it speaks
 * BotMessages to a Transport and never knows whether that is Slack or a terminal.
 */
import type { Logger } from 'pino';
import type { FixObserver } from '../approvals/types.ts';
import type { ClusterSnapshot } from '../cluster/types.ts';
import { checkAccess, clustersForChannel } from '../config/access.ts';
import type { Config } from '../config/schema.ts';
import { diagnose } from '../diagnose/diagnose.ts';
import { settingsReport } from '../diagnose/settings/report.ts';
import { type Metrics, nullMetrics } from '../ops/metrics.ts';
import type { DiagnosisService, RunbookName } from '../runbooks/types.ts';
import { type Command, parseCommand } from './commands.ts';
import { showDetails } from './details/click.ts';
import { ACTION_SHOW_DETAILS, createDetailsStore, type DetailsBackend } from './details/store.ts';
import { codeOf, messageOf } from './error-text.ts';
import { type ExplainFlowInput, explainCommand, explainPaste } from './explain-flow.ts';
import type { FixDeps } from './fix-deps.ts';
import { createFixRoutes, FIX_ACTION_IDS, routeFixAction, routeFixCommand } from './fix-routes.ts';
import { type LiveReadInput, postLiveRead } from './live-read.ts';
import { type BotMessage, type EphemeralTarget, note, problem, type Transport } from './message.ts';
import type { PasteReply } from './paste-analysis.ts';
import { ACTION_DIAGNOSE_AGAIN, ACTION_SHOW_NODES } from './render/diagnosis.ts';
import { clustersMessage, helpMessage, noClustersMessage, runbookListMessage } from './render/help.ts';
import { nodesMessage } from './render/nodes.ts';
import { pasteFailedMessage } from './render/paste.ts';
import { settingsMessage } from './render/settings.ts';
import { runDiagnosis } from './run-diagnosis.ts';
import { slotCommand } from './slot-flow.ts';

export { problem } from './message.ts';
export {
  ACTION_REMEDIATION_APPROVE,
  ACTION_REMEDIATION_DENY,
  ACTION_REQUEST_FIX,
} from './render/approval.ts';

export interface BotDeps {
  config: Config;
  service: DiagnosisService;
  transport: Transport;
  logger: Logger;
  /**
   * The reply to pasted text (its offline diagnosis); null when the text is not cluster output. May run
   * elsewhere (a worker thread) and reject with a coded error (BotError: too slow, too big, busy).
   */
  analyzePaste: (text: string) => PasteReply | null | Promise<PasteReply | null>;
  /** Gets analyzePaste ready (starts its worker thread); a transport calls it once while starting. */
  warm?: () => Promise<void>;
  /** Releases what analyzePaste holds (its worker thread); called when the transport stops. */
  release?: () => Promise<void>;
  /** Live topology of a registered cluster, for `nodes`; absent when this build cannot probe. */
  topology?: (cluster: string) => Promise<ClusterSnapshot>;
  /** Longest a live diagnosis may take before the parent message says so (default 60 s). */
  deadlineMs?: number;
  /** Fix requests and approvals; absent when no queue Redis is configured (then the bot only reads). */
  fixes?: FixDeps;
  /** Where diagnoses are counted and timed (default: nowhere). */
  metrics?: Metrics;
  /** Aborted at shutdown: live diagnoses still running post an "interrupted" verdict at once. */
  wrapUp?: AbortSignal;
  /** Where Details are kept for every replica (the queue Redis); absent: this process's memory only. */
  sharedDetails?: DetailsBackend;
}

/**
 * Who asked and where. `unbound` (a terminal without --channel) is bound by no channel rule;
 * `operator` (a terminal without --as) is the local operator, bound by no user rule.
 */
export interface Requester {
  user: string;
  channel: string;
  /** Slack's response_url (a secret: never logged). */
  replyUrl?: string;
  unbound?: boolean;
  operator?: boolean;
}

export interface PasteRequest extends Requester {
  text: string;
  /** The thread to answer in: the message's thread_ts, else its own ts. */
  threadTs: string;
  /** True when the bot was mentioned: then a non-dump gets a hint instead of silence. */
  mentioned: boolean;
  /** What the transport could not hand over whole (a snippet cut at its size limit), for the reply. */
  notes?: string[];
}

export interface ActionRequest extends Requester {
  actionId: string;
  value: string;
  /** The thread of the message whose button was clicked, when the transport knows it. */
  threadTs?: string;
}

export type Ack = (msg: BotMessage) => Promise<void>;

/** The transport-neutral bot. Every method resolves when all its work (posts, updates) is done. */
export interface Bot {
  /** Handles `/redis <text>`: calls `ack` exactly once, at once, then does the slow work. */
  command(req: Requester & { text: string }, ack: Ack): Promise<void>;
  /** Handles a message that may hold a dump or a Redis error; returns whether it was answered. */
  paste(req: PasteRequest): Promise<boolean>;
  /** Handles a button click (already acknowledged by the transport). */
  action(req: ActionRequest): Promise<void>;
  /** Reports fix transitions and progress through this bot's transport; give it to the fix worker. */
  readonly fixObserver: FixObserver | undefined;
}

/** Builds the bot core over its dependencies. */
export function createBot(deps: BotDeps): Bot {
  const { config, service, transport, logger } = deps;
  const details = createDetailsStore({
    logger,
    ...(deps.sharedDetails ? { shared: deps.sharedDetails } : {}),
  });
  const known = () => service.clusterNames();
  const usable = (r: Requester) => clustersForChannel(config.access, r.unbound ? null : r.channel, known());
  const target = (r: Requester): EphemeralTarget => ({
    channel: r.channel,
    user: r.user,
    replyUrl: r.replyUrl,
  });

  /**
   * Null when `r` may read `cluster`; else the refusal to show, which is logged with its real reason.
   * In chat an unknown name and a name not bound to the channel get the same answer, so nobody can probe
   * which clusters exist; the terminal's operator (bound by no channel) is told precisely.
   */
  function gate(r: Requester, cluster: string, command: string, diagnose = true): BotMessage | null {
    if (known().length === 0) return noClustersMessage();
    const refuse = (code: string, message: string, hint: string) => {
      logger.warn({ event: 'access_refused', code, user: r.user, channel: r.channel, cluster, command });
      return problem(message, hint);
    };
    const here = usable(r);
    const list =
      here.length > 0 ? `Clusters usable here: ${here.join(', ')}.` : 'No cluster is bound to this channel.';
    const unknown = !known().includes(cluster);
    if (unknown && (r.unbound || r.operator)) {
      return refuse(
        'UNKNOWN_CLUSTER',
        `Unknown cluster "${cluster}".`,
        `${list} Names are case-sensitive; /redis clusters lists them.`,
      );
    }
    const denied = unknown
      ? { code: 'UNKNOWN_CLUSTER' }
      : checkAccess(config.access, {
          user: r.user,
          channel: r.unbound ? null : r.channel,
          cluster,
          permission: r.operator || !diagnose ? null : 'diagnose',
          known: known(),
        });
    if (!denied) return null;
    if (denied.code === 'PERMISSION_DENIED' && 'message' in denied) {
      return refuse(denied.code, denied.message, denied.hint);
    }
    return refuse(
      denied.code,
      `Cluster "${cluster}" is not available in this channel.`,
      `${list} Names are case-sensitive; /redis clusters lists them. An admin binds clusters to channels under access.channels in the config.`,
    );
  }

  const core = { config, transport, logger, fixes: deps.fixes, gate, usable, target };
  const fixRoutes = createFixRoutes(core, (cluster) => service.diagnoseCluster(cluster));

  /** Reads `cluster` live and posts `build(snapshot)` in the channel (nodes, settings). */
  function readLive(r: Requester, cluster: string, what: string, build: LiveReadInput['build']) {
    const { topology } = deps;
    return postLiveRead({
      transport,
      logger,
      ...(topology ? { topology } : {}),
      target: target(r),
      cluster,
      what,
      build,
      problem,
    });
  }

  const showNodes = (r: Requester, cluster: string) =>
    readLive(r, cluster, 'nodes', (snapshot) => nodesMessage(cluster, snapshot, r.user));

  /** What an explanation for `r` may read live: the channel's only cluster, if `r` may diagnose it. */
  function explainInput(r: Requester): ExplainFlowInput {
    const here = usable(r);
    const only = here.length === 1 ? here[0]! : null;
    const denied =
      only &&
      checkAccess(config.access, {
        user: r.user,
        channel: r.unbound ? null : r.channel,
        cluster: only,
        permission: r.operator ? null : 'diagnose',
        known: known(),
      });
    const why =
      here.length === 0
        ? 'no cluster is bound to this channel'
        : here.length > 1
          ? `${here.length} clusters are bound to this channel, so I cannot tell which one you mean`
          : `you may not diagnose ${only}`;
    return {
      transport,
      logger,
      ...(deps.topology ? { topology: deps.topology } : {}),
      usable: here,
      live: only && !denied ? { cluster: only } : { cluster: null, why },
    };
  }

  async function live(r: Requester, cluster: string, runbook: RunbookName | null): Promise<void> {
    const title = runbook ? (service.listRunbooks().find((b) => b.name === runbook)?.title ?? runbook) : null;
    await runDiagnosis({
      ...deps,
      requester: r,
      target: target(r),
      cluster,
      runbook,
      runbookTitle: title,
      details,
      fixButtons: Boolean(deps.fixes),
    });
  }

  async function route(r: Requester, cmd: Command, ack: Ack): Promise<void> {
    switch (cmd.kind) {
      case 'help':
        return ack(helpMessage(usable(r), known().length, service.listRunbooks(), Boolean(deps.fixes)));
      case 'clusters': {
        const names = usable(r);
        const list = config.clusters.filter((c) => names.includes(c.name));
        return ack(clustersMessage(list, known().length));
      }
      case 'runbook-list':
        return ack(runbookListMessage(service.listRunbooks()));
      case 'fix':
      case 'approve':
      case 'deny':
      case 'audit':
        return routeFixCommand(fixRoutes, r, cmd, ack);
      case 'explain':
        return explainCommand(explainInput(r), cmd.text, ack, target(r));
      case 'slot': {
        const { topology } = deps;
        const gateFor = (cluster: string) => gate(r, cluster, 'slot');
        const input = { transport, logger, known: known(), usable: usable(r), gate: gateFor, problem };
        return slotCommand({ ...input, ...(topology ? { topology } : {}), target: target(r) }, cmd.keys, ack);
      }
      default:
        break;
    }
    const refusal = gate(r, cmd.cluster, cmd.kind);
    if (refusal) return ack(refusal);
    if (cmd.kind === 'nodes') {
      await ack(note(`Reading the nodes of ${cmd.cluster}…`, 'running'));
      return showNodes(r, cmd.cluster);
    }
    if (cmd.kind === 'settings') {
      const { cluster } = cmd;
      await ack(note(`Reading the settings of ${cluster}…`, 'running'));
      return readLive(r, cluster, 'settings', (s) =>
        settingsMessage(settingsReport(s, diagnose(s)), cluster, r.user),
      );
    }
    let runbook: RunbookName | null = cmd.kind === 'check' ? 'health' : null;
    if (cmd.kind === 'runbook') {
      const found = service.listRunbooks().find((b) => b.name === cmd.runbook.toLowerCase());
      if (!found) {
        const names = service.listRunbooks().map((b) => b.name);
        return ack(problem(`Unknown runbook "${cmd.runbook}".`, `Runbooks: ${names.join(', ')}.`));
      }
      runbook = found.name;
    }
    await ack(note(`Diagnosing ${cmd.cluster}…`, 'running'));
    return live(r, cmd.cluster, runbook);
  }

  return {
    fixObserver: fixRoutes.progress,
    async command(req, ack) {
      const parsed = parseCommand(req.text);
      if (!parsed.ok) {
        logger.info({
          event: 'command_rejected',
          code: parsed.error.code,
          user: req.user,
          channel: req.channel,
        });
        return ack(problem(parsed.error.message, parsed.error.hint));
      }
      return route(req, parsed.command, ack);
    },

    async paste(req) {
      let result: PasteReply | null;
      const started = performance.now();
      try {
        result = await deps.analyzePaste(req.text);
      } catch (err) {
        logger.warn(
          { event: 'paste_failed', code: codeOf(err), chars: req.text.length, channel: req.channel },
          'paste analysis failed',
        );
        (deps.metrics ?? nullMetrics).diagnosis('paste', 'error', (performance.now() - started) / 1000);
        const failed = pasteFailedMessage(err);
        await transport.reply({ channel: req.channel, ts: req.threadTs }, withNotes(failed, req.notes));
        return true;
      }
      if (result) {
        const seconds = (performance.now() - started) / 1000;
        (deps.metrics ?? nullMetrics).diagnosis('paste', result.state, seconds);
      }
      if (!result) {
        // Unprompted, a Redis error is answered only in a channel bound to a cluster.
        const parent = { channel: req.channel, ts: req.threadTs };
        if (
          (req.mentioned || usable(req).length > 0) &&
          (await explainPaste(explainInput(req), req.text, parent))
        )
          return true;
        if (!req.mentioned) return false;
        const text =
          'I did not find CLUSTER NODES, CLUSTER INFO or --cluster check output, or a Redis error, in this message. Paste one of those, or use /redis help.';
        await transport.reply({ channel: req.channel, ts: req.threadTs }, note(text));
        return true;
      }
      await transport.reply(
        { channel: req.channel, ts: req.threadTs },
        await details.attach(withNotes(result.message, req.notes), null),
      );
      logger.info({ event: 'paste_diagnosed', channel: req.channel, state: result.state });
      return true;
    },

    async action(req) {
      if (FIX_ACTION_IDS.includes(req.actionId)) return routeFixAction(fixRoutes, req);
      switch (req.actionId) {
        case ACTION_SHOW_DETAILS:
          return showDetails({
            store: details,
            transport,
            logger,
            gate: (cluster) => gate(req, cluster, req.actionId),
            target: target(req),
            channel: req.channel,
            id: req.value,
            ...(req.threadTs ? { threadTs: req.threadTs } : {}),
          });
        case ACTION_DIAGNOSE_AGAIN:
        case ACTION_SHOW_NODES: {
          const refusal = gate(req, req.value, req.actionId);
          if (refusal) return transport.ephemeral(target(req), refusal);
          return req.actionId === ACTION_SHOW_NODES ? showNodes(req, req.value) : live(req, req.value, null);
        }
        default:
          logger.warn({ event: 'unknown_action', actionId: req.actionId });
          return transport.ephemeral(
            target(req),
            note(`This button (${req.actionId}) is not handled by this version.`),
          );
      }
    },
  };
}

/** `msg` with the transport's notes (what it could not hand over whole) first among its notes. */
function withNotes(msg: BotMessage, notes: string[] | undefined): BotMessage {
  return notes && notes.length > 0 ? { ...msg, notes: [...notes, ...(msg.notes ?? [])] } : msg;
}

/** The code and first line of an error (kept exported here for existing importers). */
export { codeOf, messageOf };
