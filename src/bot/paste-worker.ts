/**
 * Entry of the paste worker thread: reads each paste the main thread sends (PasteJob) and answers with
 * its analysis (PasteWorkerMessage). One job at a time; it never touches Slack, the network or files.
 */
import { parentPort } from 'node:worker_threads';
import { analyzePasteText, type PasteJob, type PasteWorkerMessage } from './paste-analysis.ts';

const port = parentPort;
if (port) {
  const send = (msg: PasteWorkerMessage) => port.postMessage(msg);
  port.on('message', (job: PasteJob) => {
    try {
      send({ kind: 'done', id: job.id, result: analyzePasteText(job.text) });
    } catch (err) {
      send({ kind: 'failed', id: job.id, message: err instanceof Error ? err.message : String(err) });
    }
  });
  send({ kind: 'ready' });
}
