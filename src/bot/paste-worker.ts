/**
 * Entry of the paste worker thread: reads each paste the main thread sends (PasteJob) and answers with
 * the reply to post (PasteWorkerMessage). One job at a time; it never touches Slack, the network or files.
 */
import { parentPort } from 'node:worker_threads';
import { type PasteJob, type PasteWorkerMessage, replyToPaste } from './paste-analysis.ts';

const port = parentPort;
if (port) {
  const send = (msg: PasteWorkerMessage) => port.postMessage(msg);
  port.on('message', (job: PasteJob) => {
    try {
      send({ kind: 'done', id: job.id, result: replyToPaste(job.text, false) });
    } catch {
      send({ kind: 'failed', id: job.id }); // the error text may quote the paste: it stays here
    }
  });
  send({ kind: 'ready' });
}
