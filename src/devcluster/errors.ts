/** Coded errors raised by the dev-cluster harness. */

export type DevClusterErrorCode =
  | 'DEVCLUSTER_TIMEOUT'
  | 'DEVCLUSTER_SPAWN'
  | 'DEVCLUSTER_NO_ADDRESS'
  | 'DEVCLUSTER_COMMAND'
  | 'DEVCLUSTER_STATE'
  | 'DEVCLUSTER_BAD_OPTIONS';

/** An error with a stable `code`, so callers can branch without matching message text. */
export class DevClusterError extends Error {
  readonly code: DevClusterErrorCode;

  constructor(code: DevClusterErrorCode, message: string) {
    super(message);
    this.name = 'DevClusterError';
    this.code = code;
  }
}
