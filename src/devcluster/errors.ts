/** Coded errors raised by the dev-cluster harness. */
import { CodedError } from '../cluster/coded-error.ts';

export type DevClusterErrorCode =
  | 'DEVCLUSTER_TIMEOUT'
  | 'DEVCLUSTER_SPAWN'
  | 'DEVCLUSTER_NO_ADDRESS'
  | 'DEVCLUSTER_COMMAND'
  | 'DEVCLUSTER_STATE'
  | 'DEVCLUSTER_BAD_OPTIONS';

/** An error with a stable `code`, so callers can branch without matching message text. */
export class DevClusterError extends CodedError<DevClusterErrorCode> {
  override name = 'DevClusterError';
}
