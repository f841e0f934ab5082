/**
 * How far the host is behind in reading what the relay writes to it (stdout). A pipe to a
 * slow host buffers in this process without limit: Node queues every write. Remote mode reads
 * the remote server only while the host keeps up (body.ts waits on `ready`), and drops
 * notifications once `backlog` passes its bound (relay.ts).
 */
import type { Writable } from 'node:stream';

export interface HostFlow {
  /** Resolves once the host has taken what is queued for it; undefined when nothing needs to wait. */
  ready(): Promise<void> | undefined;
  /** Bytes written for the host and not yet taken by it. */
  backlog(): number;
}

/** The flow of a writable stream (the process's stdout): one shared wait per `drain`, however many readers wait. */
export function writableFlow(out: Writable): HostFlow {
  let waiting: Promise<void> | undefined;
  return {
    ready() {
      if (!out.writableNeedDrain || out.destroyed) return undefined;
      waiting ??= new Promise<void>((resolve) => {
        const done = () => {
          out.off('drain', done);
          out.off('close', done);
          waiting = undefined;
          resolve();
        };
        out.on('drain', done);
        out.on('close', done);
      });
      return waiting;
    },
    backlog: () => out.writableLength,
  };
}
