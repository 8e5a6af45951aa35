/** A bare TCP reachability check (used for cluster bus ports, which speak a binary protocol). */
import { connect } from 'node:net';

export interface TcpCheck {
  open: boolean;
  error?: string;
}

/** Resolves whether host:port accepts a TCP connection within `timeoutMs`; never rejects. */
export function checkTcpPort(host: string, port: number, timeoutMs: number): Promise<TcpCheck> {
  return new Promise((resolve) => {
    let done = false;
    const socket = connect({ host, port });
    const finish = (result: TcpCheck): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ open: false, error: `no TCP answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.once('connect', () => finish({ open: true }));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      finish({ open: false, error: err.code ?? err.message }),
    );
  });
}
