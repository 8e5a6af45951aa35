/**
 * Generated CLUSTER NODES pastes whose answer used to grow as a product of counts: many ghost entries
 * among many masters (one FORGET per ghost per node), and many nodes announcing a loopback address among
 * routable ones. Lines in the exact format of real CLUSTER NODES output. Test- and bench-only.
 */
import { createHash } from 'node:crypto';

const id = (s: string) => createHash('sha1').update(s).digest('hex');

/** Owner line of master `m` of `masters` (the slots split evenly), as printed by `viewer`. */
function masterLine(m: number, masters: number, viewer: number, ip: string, port: number): string {
  const per = Math.floor(16384 / masters);
  const end = m === masters - 1 ? 16383 : m * per + per - 1;
  const flags = m === viewer ? 'myself,master' : 'master';
  return `${id(`m${m}`)} ${ip}:${port}@${port + 10000} ${flags} - 0 1795313863550 ${m + 1} connected ${m * per}-${end}`;
}

/**
 * `views` outputs (masters 0, 1, … each printing its CLUSTER NODES), each listing `masters` slot owners and
 * `ghosts` noaddr entries that own nothing. The ghosts carry the newest epoch, so no failover explains them.
 */
export function ghostDump(masters: number, ghosts: number, views = 1): string {
  const out: string[] = [];
  for (let v = 0; v < views; v++) {
    const lines: string[] = [];
    for (let m = 0; m < masters; m++)
      lines.push(masterLine(m, masters, v, `10.0.${Math.floor(m / 250)}.${(m % 250) + 1}`, 6379));
    for (let g = 0; g < ghosts; g++)
      lines.push(`${id(`g${g}`)} :0@0 master,fail,noaddr - 1795313000000 1795313000000 99999 disconnected`);
    out.push(lines.join('\n'));
  }
  return out.join('\n\n');
}

/** `views` outputs of `masters` slot owners, the even ones announcing 127.0.0.1 and the odd ones 10.x. */
export function loopbackDump(masters: number, views = 1): string {
  const out: string[] = [];
  for (let v = 0; v < views; v++) {
    const lines: string[] = [];
    for (let m = 0; m < masters; m++) {
      const ip = m % 2 === 0 ? '127.0.0.1' : `10.0.${Math.floor(m / 250)}.${(m % 250) + 1}`;
      lines.push(masterLine(m, masters, v, ip, 7000 + m));
    }
    out.push(lines.join('\n'));
  }
  return out.join('\n\n');
}
