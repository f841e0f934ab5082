/**
 * Figure 4: how many authorization-server requests the broker spends, read from the
 * sandbox's own counters. A fresh server signs in on its first call, then makes 1,000
 * calls inside one introspection TTL; then the sandbox clock jumps past the access token's
 * lifetime and 100 calls arrive at once, which must share a single refresh.
 */
import { openSession } from './lib/mcp.mjs';
import { advanceClock, resetStats, stats } from './lib/sandbox.mjs';
import { whataloServer } from './lib/servers.mjs';

const ACCESS_TOKEN_SECONDS = 3600;

function exact(n) {
  return { median: n, min: n, max: n, runs: 1 };
}

export async function economy(ctx, plan) {
  const issuer = ctx.sandbox.issuer;
  const session = await openSession(whataloServer(ctx.sandbox));
  try {
    const call = ctx.callerFor(session);
    await resetStats(issuer);
    for (let i = 0; i < plan.economyCalls; i++) await call();
    const steady = await stats(issuer);

    await advanceClock(issuer, ACCESS_TOKEN_SECONDS + 60);
    await resetStats(issuer);
    const results = await Promise.allSettled(Array.from({ length: plan.economyBurst }, () => call()));
    const burst = await stats(issuer);
    const failed = results.filter((r) => r.status === 'rejected');

    return [
      {
        id: 'introspections_per_1000',
        figure: `4a. Introspections for ${plan.economyCalls} calls in one TTL`,
        unit: 'requests',
        whatalo: exact(steady.introspections),
        baseline: exact(plan.economyCalls),
        baselineText: `${plan.economyCalls} (one per call, uncached)`,
        target: { kind: 'count', max: 1, text: '1' },
        met: steady.introspections <= 1,
        detail: {
          note: 'fresh server: its first call signs in (one authorization_code grant) and introspects once',
          grants: steady.grants,
          registrations: steady.registrations,
          refreshes: steady.refreshes,
        },
      },
      {
        id: 'refreshes_per_burst',
        figure: `4b. Refreshes for ${plan.economyBurst} concurrent calls after expiry`,
        unit: 'requests',
        whatalo: exact(burst.refreshes),
        baseline: exact(plan.economyBurst),
        baselineText: `${plan.economyBurst} (one per call, no single-flight)`,
        target: { kind: 'count', max: 1, text: '1' },
        met: burst.refreshes === 1 && failed.length === 0,
        detail: {
          failed_calls: failed.length,
          first_failure: failed[0]?.reason?.message?.slice(0, 300),
          introspections: burst.introspections,
          refresh_grants: burst.grants?.refresh_token,
        },
      },
    ];
  } finally {
    await session.close();
  }
}
