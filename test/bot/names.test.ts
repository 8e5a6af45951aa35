/** Pasted nodes the paste does not name are named as people read them, never by their "paste#N" label. */
import { describe, expect, it } from 'vitest';
import { pasteNames, withPasteNames } from '../../src/bot/render/names.ts';
import { snapshotFromPaste } from '../../src/cluster/paste.ts';
import { diagnoseWithSteps } from '../../src/runbooks/run.ts';
import { real } from '../paste-fixtures.ts';

describe('names of unnamed pasted nodes', () => {
  it('a lone CLUSTER INFO is "the pasted node", capitalised where it starts a sentence', () => {
    const snap = snapshotFromPaste(real('down-cluster-info-n1.txt'));
    const d = diagnoseWithSteps(snap);
    expect(JSON.stringify(d)).toContain('paste#1');
    const named = withPasteNames(d, snap);
    const text = JSON.stringify(named);
    expect(text).not.toContain('paste#');
    expect(text).toContain('The pasted node reports cluster_state:fail');
    expect(named.findings[0]?.nodes).toEqual(['the pasted node']);
    expect(named.fingerprint).toBe(d.fingerprint);
  });

  it('a view with a node id but no usable address is named by its id', () => {
    const snap = snapshotFromPaste(real('lonely-nodes-n7.txt'));
    expect([...pasteNames(snap).values()]).toEqual(['node 6e5fe86b']);
    expect(JSON.stringify(withPasteNames(diagnoseWithSteps(snap), snap))).not.toContain('paste#');
  });

  it('several unnamed views are numbered; views the paste names keep their address', () => {
    const info = real('down-cluster-info-n1.txt');
    const two = snapshotFromPaste(
      `${info}\n\n${info.replace('cluster_known_nodes:6', 'cluster_known_nodes:5')}`,
    );
    expect([...pasteNames(two).values()]).toEqual(['pasted node 1', 'pasted node 2']);
    const prompted = snapshotFromPaste(
      `127.0.0.1:7000> cluster info\n${info}\n127.0.0.1:7001> cluster info\n${info}`,
    );
    expect(pasteNames(prompted).size).toBe(0);
  });
});
