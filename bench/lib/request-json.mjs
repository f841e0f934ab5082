/**
 * The one way every bench request is sent (the floor servers' forwarding tool, the bench's
 * direct API request, the bench's HTTP MCP client): node:http over one keep-alive agent per
 * process, the body parsed as JSON. It is the transport the product's API client uses
 * (src/net/bounded.ts), minus its bounds, so a ratio or a difference against a baseline
 * measures our code and not fetch against node:http (fetch costs 130-200 us of CPU per request
 * on these machines, node:http 35-55 us).
 */
import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, timeout: 4000 });

/** Resolves to `{ status, body }` with the body parsed; rejects on a socket error or bad JSON. */
export function requestJson(url, { method = 'GET', headers, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
