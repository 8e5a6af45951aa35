/** Loads the recorded paste fixtures (test/fixtures/paste-formats) and pins the node ids they contain. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const base = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'paste-formats');

/** Text of test/fixtures/paste-formats/real/<name>. */
export function real(name: string): string {
  return readFileSync(join(base, 'real', name), 'utf8');
}

/** Text of test/fixtures/paste-formats/derived/<name>. */
export function derived(name: string): string {
  return readFileSync(join(base, 'derived', name), 'utf8');
}

/** Node ids of the recorded cluster: n1-n3 masters, n4-n6 replicas of n1-n3, n7 the lone node. */
export const IDS = {
  n1: '4c4b3700f8a8db461c45c7a992bf8348b9c2ddbd',
  n2: '823c03bee514451ba1c957df9df5a238c905ef2b',
  n3: '7834939e30d7026218c971557a885a27ad30a79c',
  n4: '2248c080a0144fa24a6cba171e9ae5194a50ffd6',
  n5: '9440137688f3abc8b4319d446c355058a100faee',
  n6: 'c0c10b60018807afe8b12fd04bd73cd4734ca356',
  n7: '6e5fe86bbbb3be36434414341e475f46eaa57efc',
  handshake: '1001d777b7dbfd20f1b45fd6d295e308f53bed48',
} as const;

/** Node ids of the capture-extra.sh cluster (real/extra-*.txt): x4 is a nofailover replica of x1. */
export const EXTRA_IDS = {
  x1: '2fc9ddd7d953e49c0bb8e4ac422ea2156eebbdef',
  x2: '8a8b3ba2594e7ccb23589530dfd60ce2e4018686',
  x3: '08a97f337f882a1b2914adf22e03a66379a43a6e',
  x4: '0fb6cb356d903dcd883dea0e607016f6dde1595d',
} as const;
