/**
 * With no usable credential store (here: the keychain without D-Bus), a host shows the reason
 * only inside a tool result, which the person setting it up may never see. `serve` says it
 * once on stderr, where the host's log is; `call`, which prints the error itself, does not
 * say it twice.
 */
import { LINUX, describeWith } from '../helpers/requirements.js';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { sandboxEnv, startMcp, textOf } from '../helpers/mcp.js';
import { useTestSandbox } from '../helpers/sandbox.js';

const REASON = /OS keychain \(Secret Service\) is not available/g;
// The keychain store, with a session bus address that leads nowhere.
const NO_DBUS = { WHATALO_CREDENTIAL_STORE: 'keychain', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/whatalo-no-such-bus' };

describeWith(LINUX, 'a credential store that cannot be used', () => {
  const sandbox = useTestSandbox();

  it('serve logs the reason once on stderr, however many calls fail on it', async () => {
    const session = await startMcp({ env: sandboxEnv(sandbox, NO_DBUS) });
    try {
      for (let i = 0; i < 3; i++) {
        const result = await session.call('get_store');
        expect(result.isError).toBe(true);
        expect(textOf(result)).toMatch(REASON);
      }
      expect(session.stderr().match(REASON), session.stderr()).toHaveLength(1);
      expect(session.stderr()).toMatch(/credential store: .*WHATALO_CREDENTIAL_STORE=memory/);
    } finally {
      await session.close();
    }
  });

  it('call prints the reason once, as its error', async () => {
    const result = await runCli(['call', 'get_store'], { env: sandboxEnv(sandbox, NO_DBUS) });
    expect(result.code).not.toBe(0);
    expect((result.stdout + result.stderr).match(REASON), result.stderr).toHaveLength(1);
  });
});
