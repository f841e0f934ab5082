#!/usr/bin/env node
/**
 * A stand-in for the system browser (set as BROWSER): fetches the authorization URL given
 * as the last argument and follows its redirects, which against a sandbox started with
 * --auto-approve lands on the server's loopback redirect and completes the sign-in.
 * Exit status tells the launcher whether the redirect chain answered 2xx.
 */
const url = process.argv.at(-1);
if (!url || !/^https?:\/\//.test(url)) {
  process.stderr.write(`browser-follow: expected a URL as the last argument, got ${JSON.stringify(url)}\n`);
  process.exit(2);
}
try {
  const response = await fetch(url, { redirect: 'follow' });
  await response.arrayBuffer();
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  process.stderr.write(`browser-follow: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
