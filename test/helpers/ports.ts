/** Loopback ports for tests that need a place where nothing answers. */
import { createServer } from 'node:net';

/** A port on 127.0.0.1 where nothing listens right now: bound once to get it, then released. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
