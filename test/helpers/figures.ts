/**
 * The figures line every reliability and security suite prints at the end, so a CI log shows
 * what was actually exercised: `figures: faults survived N, fuzz cases run N, hostile inputs
 * tried N, leaks found 0`. Counts are added by the tests as they run; a suite prints once,
 * in afterAll.
 */
import { appendFileSync } from 'node:fs';
import { afterAll } from 'vitest';

export interface Figures {
  faultsSurvived: number;
  fuzzCases: number;
  hostileInputs: number;
  leaksFound: number;
  /** Answers cut off at their size cap (API v1 or an AS endpoint). */
  bodiesCapped: number;
  /** Request timeouts that fired with a garbage collection forced while waiting. */
  timeoutsFiredUnderGc: number;
  /** Loopback callbacks with a foreign state that the sign-in ignored and kept waiting. */
  forgedCallbacksIgnored: number;
  /** Sign-ins for another store than the call's that were refused. */
  storeSwitchesRefused: number;
  /** CONTRACT rows (A1…A15, V1…V6, each resource's table) checked against the sandbox. */
  contractRows: number;
  /** Remote grants kept apart by issuer: credentials never shown to an AS that did not issue them. */
  remoteCredentialsPerIssuer: number;
  /** Remote SSE events or answers cut off at their cap, answered with a failed result. */
  eventsCapped: number;
  /** Times the relay paused reading a remote because the host's stdout needed to drain. */
  relayBackpressure: number;
  /** Idle, slow-header or slow-body sockets the HTTP server timed out and closed. */
  idleSocketsClosed: number;
  /** Tool calls inside JSON-RPC batches charged one by one against the tenant budget. */
  batchCallsCharged: number;
}

export const FIGURE_KINDS = [
  'faultsSurvived',
  'fuzzCases',
  'hostileInputs',
  'leaksFound',
  'bodiesCapped',
  'timeoutsFiredUnderGc',
  'forgedCallbacksIgnored',
  'storeSwitchesRefused',
  'contractRows',
  'remoteCredentialsPerIssuer',
  'eventsCapped',
  'relayBackpressure',
  'idleSocketsClosed',
  'batchCallsCharged',
] as const satisfies readonly (keyof Figures)[];

export function emptyFigures(): Figures {
  return Object.fromEntries(FIGURE_KINDS.map((k) => [k, 0])) as unknown as Figures;
}

export interface FigureCounter {
  readonly counts: Figures;
  add(kind: keyof Figures, n?: number): void;
  line(): string;
}

export function figuresLine(suite: string, f: Figures): string {
  return `figures (${suite}): ${describeFigures(f)}`;
}

/** The counts in words, in FIGURE_KINDS order; one wording for a suite's line and the run's total. */
export function describeFigures(f: Figures): string {
  return [
    `faults survived ${f.faultsSurvived}`,
    `fuzz cases run ${f.fuzzCases}`,
    `hostile inputs tried ${f.hostileInputs}`,
    `leaks found ${f.leaksFound}`,
    `bodies capped ${f.bodiesCapped}`,
    `timeouts fired under GC ${f.timeoutsFiredUnderGc}`,
    `forged callbacks ignored ${f.forgedCallbacksIgnored}`,
    `store switches refused ${f.storeSwitchesRefused}`,
    `contract rows covered ${f.contractRows}`,
    `remote credentials per issuer ${f.remoteCredentialsPerIssuer}`,
    `events capped ${f.eventsCapped}`,
    `relay backpressure ${f.relayBackpressure}`,
    `idle sockets closed ${f.idleSocketsClosed}`,
    `batch calls charged ${f.batchCallsCharged}`,
  ].join(', ');
}

/** A counter for one suite that prints its line after the suite's tests (register at module level). */
export function suiteFigures(suite: string): FigureCounter {
  const counts = emptyFigures();
  const counter: FigureCounter = {
    counts,
    add(kind, n = 1) {
      counts[kind] += n;
    },
    line: () => figuresLine(suite, counts),
  };
  afterAll(() => {
    console.log(counter.line());
    // test/figures-total.ts adds the suites up at the end of the run.
    const file = process.env.WHATALO_FIGURES_FILE;
    if (file) appendFileSync(file, JSON.stringify(counts) + '\n');
  });
  return counter;
}

/**
 * Property-test case counts: FUZZ_RUNS (default 2000) is the budget of a whole suite, and each
 * property takes its `share` of it (at least `min`), so CI stays fast and a deeper run is one
 * variable away: `FUZZ_RUNS=50000 npx vitest run test/security`.
 */
export function fuzzRuns(share: number, min = 20): number {
  const raw = Number(process.env.FUZZ_RUNS ?? '');
  const total = Number.isSafeInteger(raw) && raw > 0 ? raw : 2000;
  return Math.max(min, Math.round(total * share));
}
