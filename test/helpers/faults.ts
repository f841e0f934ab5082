/**
 * Drives the sandbox's fault injection (POST/GET/DELETE /sandbox/faults, src/sandbox/faults.ts)
 * from a test. Each call replaces the whole set; `clearFaults` ends them.
 */
import type { FaultSpec } from '../../src/sandbox/faults.js';

export type ListedFault = FaultSpec & { matched: number; fired: number };

async function call(issuer: string, method: 'GET' | 'POST' | 'DELETE', body?: unknown): Promise<ListedFault[]> {
  const response = await fetch(`${issuer}/sandbox/faults`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST /sandbox/faults answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { faults: ListedFault[] }).faults;
}

export const setFaults = (issuer: string, faults: FaultSpec[]) => call(issuer, 'POST', { faults });
export const listFaults = (issuer: string) => call(issuer, 'GET');
export const clearFaults = (issuer: string) => call(issuer, 'DELETE');

/** How many times the faults fired in total (what a test "survived"). */
export async function firedCount(issuer: string): Promise<number> {
  return (await listFaults(issuer)).reduce((sum, f) => sum + f.fired, 0);
}
