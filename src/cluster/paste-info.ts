/** Sorts the fields of a pasted CLUSTER INFO / INFO block into cluster info, replication and server parts. */
import { parseInfoSections } from './parse-info.ts';

/** The recognised parts of one INFO-like block; each is undefined when the block had none of it. */
export interface InfoParts {
  clusterInfo?: Record<string, string>;
  replication?: Record<string, string>;
  server?: Record<string, string>;
  /** cluster_enabled from INFO's "# Cluster" section, if present. */
  clusterEnabled?: string;
}

const REPL_KEY_RE =
  /^(role|connected_slaves|slave\d+|master_\w+|slave_\w+|replica_\w+|min_slaves_\w+|second_repl_offset|repl_\w+|master_replid2?)$/;
const SERVER_KEY_RE =
  /^(redis_version|redis_git_\w+|redis_build_id|redis_mode|os|arch_bits|multiplexing_api|gcc_version|process_id|process_supervised|run_id|tcp_port|server_time_usec|uptime_in_\w+|hz|configured_hz|lru_clock|executable|config_file|io_threads_active|atomicvar_api|monotonic_clock|listener\d+)$/;
const CLUSTER_INFO_KEY_RE = /^(cluster_(?!enabled$)\w+|total_cluster_links_buffer_limit_exceeded)$/;

function pick(fields: Record<string, string>, re: RegExp): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let any = false;
  for (const [k, v] of Object.entries(fields)) {
    if (re.test(k)) {
      out[k] = v;
      any = true;
    }
  }
  return any ? out : undefined;
}

/** Splits an INFO-like block into its parts; sections named by "# Replication" etc. win over key guessing. */
export function readInfoBlock(text: string): InfoParts {
  const sections = parseInfoSections(text);
  const all: Record<string, string> = {};
  for (const fields of Object.values(sections)) Object.assign(all, fields);
  const parts: InfoParts = {};
  const clusterInfo = pick(all, CLUSTER_INFO_KEY_RE);
  if (clusterInfo) parts.clusterInfo = clusterInfo;
  const replication = sections.replication ?? pick(all, REPL_KEY_RE);
  if (replication && Object.keys(replication).length > 0) parts.replication = replication;
  const server = sections.server ?? pick(all, SERVER_KEY_RE);
  if (server && Object.keys(server).length > 0) parts.server = server;
  if (all.cluster_enabled !== undefined) parts.clusterEnabled = all.cluster_enabled;
  return parts;
}
