/**
 * English: the reference catalog. Its keys are the catalog's keys; es.ts must have every one
 * with the same parameters, or the build fails (see Catalog in index.ts).
 *
 * A message is a string, or a function of named parameters and the person's formatter
 * (plurals, money and dates through Intl). Keys are grouped by where a person reads them.
 */
import { ALL_SCOPES, SCOPE_CATALOG, type Scope } from '../scopes.js';
import type { Formatter } from './format.js';

export const en = {
  // The loopback pages after a sign-in (src/auth/loopback.ts).
  'page.neutral.title': 'Whatalo sign-in',
  'page.neutral.body': 'Your app received the sign-in response. You can close this tab and return to your app.',
  'page.foreign.title': 'This is not the sign-in in progress',
  'page.foreign.body': 'This address does not belong to the sign-in your app is waiting for, so it was ignored. Finish the sign-in in the tab your app opened.',
  'page.used.title': 'This sign-in link was already used',
  'page.used.body': 'This sign-in link was already used. If you are not signed in yet, start the sign-in again from your app.',
  'page.done.title': 'Connected to Whatalo',
  'page.done.body': (p: { app: string; store: string; storeId: string }) =>
    `${p.app} can now work with your store ${p.store} (${p.storeId}). You can close this tab and return to your app.`,
  'page.done.bodyNoStore': (p: { app: string }) => `${p.app} is connected to your Whatalo store. You can close this tab and return to your app.`,
  'page.denied.title': 'Nothing was shared',
  'page.denied.body': (p: { app: string }) =>
    `You declined, so ${p.app} cannot see or change anything in your store. ` +
    `To connect later, ask your app to use a Whatalo tool again, or run "whatalo-mcp login".`,
  'page.failed.title': 'Sign-in to Whatalo failed',
  'page.failed.body': (p: { reason: string }) => `${p.reason} You can close this tab and start the sign-in again from your app.`,
  'page.close': 'You can close this tab.',

  // Counting things in a person's sentence.
  'count.tools': (p: { n: number }, f: Formatter) => f.plural(p.n, { one: `${f.number(p.n)} tool`, other: `${f.number(p.n)} tools` }),
  'count.products': (p: { n: number }, f: Formatter) => f.plural(p.n, { one: `${f.number(p.n)} product`, other: `${f.number(p.n)} products` }),
  'count.orders': (p: { n: number }, f: Formatter) => f.plural(p.n, { one: `${f.number(p.n)} order`, other: `${f.number(p.n)} orders` }),

  // CLI and sign-in pages (src/cli.ts, src/commands/{login,logout,status,call,tools,embedded}.ts,
  // the sign-in's progress lines, and the person-facing text of the commonest errors). Error
  // codes, JSON output, tool names and descriptions stay English.
  'cli.tagline': 'whatalo-mcp: connect a Whatalo store to AI desktop apps over MCP',
  'cli.usage': 'Usage: whatalo-mcp [command] [flags]     (no command = serve)',
  'cli.commands': 'Commands:',
  'cli.moreHelp': 'Run `whatalo-mcp <command> --help` for its flags.',
  'cli.usageLabel': 'Usage:',
  'cli.unknownCommand': (p: { command: string }) => `unknown command "${p.command}". Run \`whatalo-mcp --help\` for the list.`,
  'cli.unknownOption': (p: { option: string }) => `Unknown option '${p.option}'. Run \`whatalo-mcp <command> --help\` for its flags.`,
  'cli.missingValue': (p: { option: string }) => `the option "${p.option}" needs a value.`,
  'cli.unexpectedArgument': (p: { arg: string }) => `unexpected argument "${p.arg}"`,
  'cli.unexpectedError': 'unexpected error (please report it)',
  'cli.unknownReason': 'unknown reason',
  'cli.summary.login': 'Sign in to Whatalo in the browser and keep the grant in the credential store',
  'cli.summary.logout': 'Revoke the Whatalo grant and remove it from the credential store',
  'cli.summary.status': 'Show whether you are signed in, to which store and with which scopes',
  'cli.summary.call': 'Run one tool and print its result as JSON (for scripts)',
  'cli.summary.tools': 'List the tools, the scope each needs, and which ones only read',
  'login.timeoutInvalid': (p: { raw: string }) => `--timeout must be a whole number of seconds from 1 to 3600 (got "${p.raw}")`,
  'login.signedIn': (p: { merchant: string; store: string }) => `Signed in to Whatalo as ${p.merchant} for store ${p.store}.`,
  'login.signedInRemote': (p: { resource: string; issuer: string }) => `Signed in for the MCP server at ${p.resource} (authorization server ${p.issuer}).`,
  'login.scopes': (p: { scopes: string }) => `Scopes: ${p.scopes}`,
  'login.serverDefault': '(the server default)',
  'login.keptIn': (p: { store: string }) => `Credentials are kept in ${p.store}.`,
  'logout.notSignedOut': (p: { problem: string }) => `Not signed out: ${p.problem}.`,
  'logout.unreadable': 'the stored credentials could not be read',
  'logout.notSignedIn': (p: { issuer: string }) => `Not signed in to Whatalo at ${p.issuer}; nothing to sign out of.`,
  'logout.notSignedInRemote': (p: { url: string }) => `Not signed in for the MCP server at ${p.url}; nothing to sign out of.`,
  'logout.revoked': (p: { store: string }) => `Signed out: the tokens were revoked at Whatalo and removed from ${p.store}.`,
  'logout.revokedRemote': (p: { store: string }) => `Signed out: the tokens were revoked at its authorization server and removed from ${p.store}.`,
  'logout.localOnly': (p: { store: string; problem: string }) =>
    `Signed out here: the tokens were removed from ${p.store}, but revocation did not reach Whatalo (${p.problem}).\n` +
    'They stop working when they expire; to end them now, disconnect the app under Connected apps in your Whatalo settings.',
  'status.notSignedIn': (p: { issuer: string }) => `Not signed in to Whatalo at ${p.issuer}.`,
  'status.notSignedInRemote': (p: { resource: string; issuer: string }) =>
    `Not signed in for the MCP server at ${p.resource} (authorization server ${p.issuer}).`,
  'status.credentialStore': (p: { store: string }) => `Credential store: ${p.store}`,
  'status.signedIn': (p: { issuer: string }) => `Signed in to Whatalo at ${p.issuer}`,
  'status.signedInRemote': (p: { resource: string }) => `Signed in for the MCP server at ${p.resource}`,
  'status.label.store': 'store',
  'status.label.merchant': 'merchant',
  'status.label.scopes': 'scopes',
  'status.label.token': 'access token',
  'status.label.credentialStore': 'credential store',
  'status.label.issuer': 'authorization server',
  'status.expires': (p: { when: string }) => `expires ${p.when} (renewed automatically)`,
  'status.unknownTime': 'at an unknown time',
  'call.nameTool': 'name the tool to call, e.g. `whatalo-mcp call get_store`; `whatalo-mcp tools` lists them',
  'call.badJson': (p: { reason: string }) => `the arguments are not valid JSON (${p.reason}); pass one JSON object, e.g. '{"product_id":"prd_…"}'`,
  'call.notObject': (p: { got: string }) => `the arguments must be one JSON object, e.g. '{"limit":5}' (got ${p.got})`,
  'call.anArray': 'an array',
  'call.argumentsDontFit': (p: { tool: string; problems: string }) => `the arguments do not fit ${p.tool}: ${p.problems}`,
  'call.readOnly': (p: { tool: string }) =>
    `"${p.tool}" changes data, and read-only mode (--read-only or WHATALO_READ_ONLY) disables every tool that does; drop it to call ${p.tool}`,
  'call.noSuchTool': (p: { tool: string; enabled: string }) => `no tool "${p.tool}" is enabled; the enabled tools are ${p.enabled}`,
  'call.failed': 'the tool failed',
  'tools.readOnly': 'read-only',
  'tools.destructive': 'destructive',
  'tools.writes': 'writes',
  'tools.signInAsks': (p: { scopes: string }) => `Sign-in asks for: ${p.scopes}`,
  'tools.fromFlag': ' (from --scopes or WHATALO_SCOPES)',
  'tools.writeLater': 'Write scopes are asked for the first time a tool that needs one runs.',
  'signin.waiting': 'Waiting for you to approve access in the browser…',
  'signin.stored': 'Whatalo approved the sign-in; the grant is stored.',
  'signin.otherProcess': 'Another whatalo-mcp is signing in to Whatalo; waiting for it to finish…',
  'signin.notCompleted': 'The sign-in could not be completed.',
  'signin.sandboxIncomplete': (p: { status: number; path: string }) => `The sandbox sign-in did not complete (HTTP ${p.status} from ${p.path}).`,
  'error.signInHint': 'Run `whatalo-mcp login` to sign in again.',
  'error.firstSignInHint': 'Run `whatalo-mcp login` to sign in.',
  'error.notSignedIn': 'Not signed in to Whatalo.',
  'error.revoked': 'Whatalo access was revoked or has expired.',
  'error.expired': 'Whatalo access has expired and cannot be renewed.',
  'error.clientExpired': "This app's registration with Whatalo has expired; it registers again at the next sign-in.",
  'error.denied':
    'Access was denied on the Whatalo consent page, so nothing was stored. To connect your store after all, call the tool again (or run ' +
    '`whatalo-mcp login`) and choose Approve.',
  'error.storeMismatch': (p: { wanted: string; granted: string }) =>
    `The sign-in was approved for store ${p.granted}, but whatalo-mcp is connected to store ${p.wanted}. Nothing was changed: the grant for ${p.granted} was ` +
    `revoked, the one for ${p.wanted} is kept, and nothing ran.`,
  'error.storeMismatchHint':
    'To change store on purpose, run `whatalo-mcp logout`, then `whatalo-mcp login` and choose the other store (or `whatalo-mcp login --switch-store`).',
  'error.apiRevoked': (p: { said: string }) => `Whatalo no longer accepts this sign-in (the access was revoked or has expired)${p.said}`,
  'error.notInPlan': (p: { storeId: string; feature: string; said: string }) =>
    `The plan of store ${p.storeId} does not include ${p.feature}, so Whatalo refused the request${p.said}`,
  'error.notInPlanHint': "Upgrade the store's plan in Whatalo's settings to use it.",
  'error.aFeature': 'this feature',
  'error.missingScope': (p: { storeId: string; scope: string; said: string }) =>
    `Whatalo refused the request: the sign-in for store ${p.storeId} lacks the permission ${p.scope}${p.said}`,
  'error.missingSomeScope': (p: { storeId: string; said: string }) =>
    `Whatalo refused the request: the sign-in for store ${p.storeId} lacks a permission this needs${p.said}`,
  'error.missingScopeHint': 'Sign in again and approve the permission (`whatalo-mcp login`).',
  'error.notFound': (p: { type: string; id: string; storeId: string }) => `${p.type} '${p.id}' not found in store ${p.storeId}`,
  'error.recordNotFound': (p: { storeId: string }) => `the requested record not found in store ${p.storeId}`,
  'error.rateLimited': (p: { storeId: string }) => `Whatalo's rate limit for store ${p.storeId} was reached.`,
  'error.rateLimitedFor': (p: { storeId: string; seconds: number }) => `Whatalo's rate limit for store ${p.storeId} was reached; it resets in ${p.seconds} s.`,
  'error.scopeNotGranted': (p: { scope: string }) => `Whatalo access does not include the "${p.scope}" permission; it was not granted at sign-in.`,
  'error.scopeNotGrantedHint': (p: { command: string }) => `Run \`${p.command}\` and approve it.`,
  'error.toolNeeds': (p: { tool: string; scope: string }) => `${p.tool} needs ${p.scope}`,
  'signin.timeout': (p: { seconds: number }) => `The sign-in was not completed within ${p.seconds} seconds.`,
  'signin.timeoutHint':
    'Start the sign-in again and finish it in the browser, or allow more time ' +
    '(`whatalo-mcp login --timeout SECONDS`, or WHATALO_LOGIN_TIMEOUT for the server).',
  'signin.cancelled': 'The sign-in was cancelled.',
  // The flags of each command's --help; flag names and variables stay as typed.
  'usage.login':
    '  --timeout  how long to wait for the browser, in seconds (default 300, or WHATALO_LOGIN_TIMEOUT)\n' +
    '  --paste    do not listen for the browser; paste the address it ends on instead\n' +
    '             (for machines whose browser cannot reach this one)\n' +
    '  --switch-store  signed in already: allow choosing another store (without it, the same store only)\n' +
    '  --issuer, --api-base  override WHATALO_ISSUER, WHATALO_API_BASE\n' +
    "  --resource URL  the API's resource identifier tokens are asked for (WHATALO_RESOURCE;\n" +
    '             default: the origin of the API base, https://api.whatalo.com)\n' +
    '  --remote URL  the grant for this remote MCP server (as serve --remote uses it; WHATALO_REMOTE_URL)',
  'usage.account':
    '  --issuer, --api-base  override WHATALO_ISSUER, WHATALO_API_BASE\n' +
    '  --resource URL  override WHATALO_RESOURCE (default: the origin of the API base)\n' +
    '  --remote URL  the grant for this remote MCP server (as serve --remote uses it; WHATALO_REMOTE_URL)',
  'usage.statusJson':
    '  --json  print one JSON object on stdout (signed_in, store_id, store_name, merchant,\n' +
    '          merchant_name, scopes, expires_at, credential_store, issuer, resource)',
  'usage.statusExit': 'Exit status: 0 when signed in, 1 when not.',
  'usage.call':
    "Prints the tool's structuredContent as JSON on stdout. Exit 1 when the tool fails (the\n" +
    'message goes to stderr), 2 for bad usage. Run `whatalo-mcp tools` for the tool names.',
  'usage.tools':
    '  --json          one JSON object on stdout: {"tools": [...], "initial_scopes": [...], "required_scopes": [...]}\n' +
    '  --read-only     as serve --read-only would register them\n' +
    '  --toolsets a,b  as serve --toolsets would register them',
  'signin.pasteAfter': (p: { redirectUri: string }) =>
    `After you approve, the browser cannot open ${p.redirectUri}… and shows an error page.\nCopy the whole address from its address bar ` +
    'and paste it here, then press Enter:\n',
  'error.invalidArguments': (p: { tool: string; problems: string }) => `Invalid arguments for ${p.tool}: ${p.problems}.`,
  'error.refusedValues': (p: { listed: string }) => `Whatalo refused the values: ${p.listed}.`,
  'error.unexpectedAnswer': (p: { method: string; path: string; requestId: string; tool: string }) =>
    `Whatalo's API answered ${p.method} ${p.path} with something unexpected (request id ${p.requestId}), so ${p.tool} could not use it; ` +
    "the details are in whatalo-mcp's log.",
  'error.noRequestId': 'not given',
  'error.internal': (p: { tool: string }) => `${p.tool} failed because of an internal error in whatalo-mcp; the details are in its log.`,
  'signin.interference': (p: { count: number }) =>
    `Someone is interfering with the sign-in: ${p.count} requests to its callback address on this computer did not belong to it. Nothing was stored.`,
  'signin.interferenceHint': 'Start the sign-in again; if this repeats, look for a program or web page on this computer that keeps calling 127.0.0.1.',
  'login.memoryStore': 'login cannot keep a sign-in in the memory credential store: it is forgotten when the command ends.',
  'login.memoryStoreHint':
    'Set WHATALO_CREDENTIAL_STORE=keychain (the system keychain, the default) or WHATALO_CREDENTIAL_STORE=file ' +
    'with WHATALO_CREDENTIAL_KEY (an encrypted file in the config directory).',

  // The sandbox's pages (src/sandbox/as/pages.ts, consent.ts, controls.ts): the sandbox
  // process's language. A `{html}` slot is filled with escaped markup by the page.
  'sandbox.badge': 'Whatalo sandbox',
  'sandbox.pageTitle': (p: { title: string }) => `${p.title} · Whatalo sandbox`,
  'sandbox.error.codeLabel': 'Error:',
  'sandbox.error.startAgain': 'Close this window and start again from the app that sent you here.',
  'sandbox.error.badLink': 'This sign-in link is not valid',
  'sandbox.error.noClientId': 'The link names no app (client_id is missing).',
  'sandbox.error.manyClientIds': 'The link names more than one app.',
  'sandbox.error.unknownApp': 'This app is not known to Whatalo',
  'sandbox.error.appExpired': 'The app’s registration has expired. The app must register again.',
  'sandbox.error.noSuchApp': (p: { clientId: string }) => `No app is registered as "${p.clientId}".`,
  'sandbox.error.noRedirectUri': 'The link does not say where to return (redirect_uri is missing).',
  'sandbox.error.manyRedirectUris': 'The link names more than one return address.',
  'sandbox.error.redirectNotRegistered':
    'The return address is not registered for this app, exactly as written (port included), so Whatalo will not send you there.',
  'sandbox.error.formRefused': 'This form could not be accepted',
  'sandbox.error.consentFormRefused': 'The consent form was not sent by this page, or it was already used. Nothing was approved.',
  'sandbox.error.settingsFormRefused': 'The form was not sent by the Connected apps page, or it was already used. Nothing was disconnected.',
  'sandbox.error.expired': 'This sign-in has expired',
  'sandbox.error.expiredBody': 'Too much time passed since the app asked. Start again from the app.',
  'sandbox.consent.title': (p: { app: string }) => `Authorize ${p.app}`,
  'sandbox.consent.heading': (p: { app: string }) => `${p.app} wants access to your Whatalo store`,
  'sandbox.consent.signedInAs': (p: { merchant: string; email: string }) => `Signed in as ${p.merchant} (${p.email}).`,
  'sandbox.consent.noPassword': 'This is the sandbox: no password is needed.',
  'sandbox.consent.scopesHeading': 'It will be able to:',
  'sandbox.consent.untick': 'Untick anything you do not want to allow.',
  'sandbox.consent.storeLegend': 'Choose the one store this app may use',
  'sandbox.consent.after': (p: { host: string }) => `After you decide, you go back to the app at ${p.host}. You can disconnect it later in Connected apps.`,
  'sandbox.consent.approve': 'Approve',
  'sandbox.consent.deny': 'Deny',
  'sandbox.consent.chooseDecision': 'Choose Approve or Deny.',
  'sandbox.consent.hintedStoreOnly': 'This app asked for access to the store below only.',
  'sandbox.consent.allowOne': 'Allow at least one permission, or choose Deny.',
  'sandbox.consent.notYourStore': 'That store is not one of yours. Choose one of the stores below.',
  'sandbox.consent.chooseStore': 'Choose a store before you approve.',
  'sandbox.settings.title': 'Connected apps',
  'sandbox.settings.intro': (p: { merchant: string }) => `Signed in as ${p.merchant}. Disconnecting an app ends its access to that store at once.`,
  'sandbox.settings.caption': 'Apps that can act on your stores now',
  'sandbox.settings.colApp': 'App',
  'sandbox.settings.colStore': 'Store',
  'sandbox.settings.colAccess': 'Access',
  'sandbox.settings.colSince': 'Connected',
  'sandbox.settings.colAction': 'Action',
  'sandbox.settings.disconnect': 'Disconnect',
  'sandbox.settings.disconnectLabel': (p: { app: string; store: string }) => `Disconnect ${p.app} from ${p.store}`,
  'sandbox.settings.none': 'No apps are connected.',
  // What each scope lets an app do, as the consent and settings pages say it: SCOPE_CATALOG's
  // English, one `scope.<name>` key per scope, so a new scope without Spanish fails the build.
  ...scopeKeys(),

  // demo (src/commands/demo.ts). Tool names, `{limit: 5}` and field values stay as sent.
  'demo.summary': 'Run the whole product on the embedded sandbox: sign in, serve over stdio, call tools',
  'demo.usage':
    'Starts a local sandbox Whatalo (no account, no network), signs in to it, launches\n' +
    '`whatalo-mcp serve` as a desktop host would, calls a few tools and prints the results,\n' +
    'then the claude_desktop_config.json entry. Where a browser can be shown, sign-in goes\n' +
    "through the sandbox's consent page; otherwise (or with --no-browser) the demo store is\n" +
    'approved automatically. Nothing is kept afterwards.\n\n' +
    '  --no-browser   approve the demo store automatically even where a browser is available',
  'demo.running': (p: { issuer: string; merchant: string; stores: string }) =>
    `Whatalo sandbox running at ${p.issuer} (merchant ${p.merchant}, stores ${p.stores}).`,
  'demo.signingIn': 'Signing in: approve access on the consent page that opens in your browser (choose a store).',
  'demo.autoApproving': (p: { store: string; storeId: string }) =>
    `No browser here: approving the demo store "${p.store}" (${p.storeId}) automatically, as the sandbox's --auto-approve does.`,
  'demo.signedIn': (p: { store: string; scopes: string }) =>
    `Signed in to store ${p.store} with ${p.scopes} (read scopes only: write scopes are asked for on first use).`,
  'demo.launching': 'Launching `whatalo-mcp serve` over stdio, as a desktop host does…',
  'demo.connected': (p: { server: string; tools: string }) => `Connected to ${p.server}: ${p.tools}.`,
  'demo.store': (p: { store: string; id: string; currency: string; timeZone: string }) =>
    `${p.store} (${p.id}), currency ${p.currency}, time zone ${p.timeZone}`,
  'demo.products': 'first page',
  'demo.moreProducts': '(more pages via next_cursor)',
  'demo.orders': 'most recent orders:',
  'demo.col.name': 'name',
  'demo.col.price': 'price',
  'demo.col.visibility': 'visibility',
  'demo.col.customer': 'customer',
  'demo.col.amount': 'amount',
  'demo.col.status': 'status',
  'demo.col.payment': 'payment',
  'demo.col.date': 'date',
  'demo.shown': 'shown',
  'demo.hidden': 'hidden',
  'demo.status.pending': 'pending',
  'demo.status.confirmed': 'confirmed',
  'demo.status.in_progress': 'in progress',
  'demo.status.completed': 'completed',
  'demo.status.cancelled': 'cancelled',
  'demo.status.returned': 'returned',
  'demo.payment.pending': 'pending',
  'demo.payment.paid': 'paid',
  'demo.payment.refunded': 'refunded',
  'demo.payment.failed': 'failed',
  'demo.toolFailed': (p: { tool: string; reason: string }) => `${p.tool} failed: ${p.reason}`,
  'demo.writeRan': 'a write tool ran without its write scope',
  'demo.writeWithReadGrant': 'with a read-only grant:',
  'demo.stepUp': (p: { scope: string }) =>
    `  the grant holds read scopes only, so the server asked Whatalo for "${p.scope}": a real host would now\n` +
    '  open the consent page for it, and the call would run once the merchant approves. Nothing was changed.',
  'demo.desktop':
    'To use it from Claude Desktop, add this to claude_desktop_config.json (this copy of whatalo-mcp,\n' +
    'run by this Node; add "--sandbox" to args to try it on the sandbox store instead of your own):',
  'demo.afterInstall':
    'After `npm install -g .` (or of a packed tarball), "command": "whatalo-mcp" with "args": [] works too;\n' +
    '`npx -y whatalo-mcp` works once the package is published to npm.',
  // Tool results and confirmations
  'tool.noun.products': 'products',
  'tool.noun.orders': 'orders',
  'tool.noun.customers': 'customers',
  'tool.noun.categories': 'categories',
  'tool.noun.discounts': 'discount codes',
  'tool.page.empty': (p: { noun: string }) => `No ${p.noun} found.`,
  'tool.page.pastEnd': (p: { noun: string; total: number }) => `No more ${p.noun}: this page is past the end (${p.total} in all).`,
  'tool.page.showing': (p: { noun: string; first: number; last: number; total: number; more: boolean }) =>
    `Showing ${p.noun} ${p.first}–${p.last} of ${p.total}.${p.more ? ' More are available with next_cursor.' : ''}`,
  'tool.pricesIn': (p: { currency: string }) => ` Prices in ${p.currency}.`,
  'tool.count.products': (p: { count: number; status: 'all' | 'active' | 'inactive' }, f: Formatter) =>
    `The store has ${p.count} ${p.status === 'all' ? '' : `${p.status} `}${f.plural(p.count, { one: 'product', other: 'products' })}.`,
  'tool.count.orders': (p: { count: number; statuses: string[] }, f: Formatter) =>
    `The store has ${p.count} ${p.statuses.length ? `${p.statuses.join(' or ')} ` : ''}${f.plural(p.count, { one: 'order', other: 'orders' })}.`,
  'tool.count.customers': (p: { count: number }, f: Formatter) => `The store has ${p.count} ${f.plural(p.count, { one: 'customer', other: 'customers' })}.`,
  'tool.store': (p: { name: string; id: string; currency: string; timezone?: string | null; url?: string | null }) =>
    `Store ${p.name} (${p.id}), prices in ${p.currency}${p.timezone ? `, time zone ${p.timezone}` : ''}${p.url ? `, at ${p.url}` : ''}.`,
  'tool.product': (p: { label: string; id: string; price: string; visible: boolean; stock?: number; variants: number }, f: Formatter) =>
    `${p.label} (${p.id}): ${p.price}, ${p.visible ? 'visible' : 'hidden'}${p.stock === undefined ? '' : `, ${p.stock} in stock`}` +
    `${p.variants ? `, ${p.variants} ${f.plural(p.variants, { one: 'variant', other: 'variants' })}` : ''}.`,
  'tool.order.label': (p: { number: number; customer?: string | null; total: string }) =>
    `order #${p.number}${p.customer ? ` for ${p.customer}` : ''} (${p.total})`,
  'tool.order': (p: { label: string; id: string; status: string; payment: string; items: number }, f: Formatter) =>
    `${p.label} (${p.id}): ${p.status}, payment ${p.payment}, ${p.items} ${f.plural(p.items, { one: 'item', other: 'items' })}.`,
  'tool.order.moved': (p: { label: string; status: string; payment: string }) => `${p.label} is now ${p.status}; payment ${p.payment}.`,
  'tool.order.paymentMoved': (p: { label: string; payment: string }) => `Payment of ${p.label} is now ${p.payment}.`,
  'tool.confirm.option': 'Yes, do it',
  'tool.confirm.deleteProduct': (p: { label: string }) => `Delete ${p.label}? It cannot be undone.`,
  'tool.confirm.deleteCategory': (p: { label: string }) => `Delete the category ${p.label}? Its products stay, uncategorized. It cannot be undone.`,
  'tool.confirm.deleteDiscount': (p: { label: string }) => `Delete the discount ${p.label}? It cannot be undone.`,
  'tool.confirm.orderFinal': (p: { status: 'cancelled' | 'returned'; label: string }) =>
    `${p.status === 'cancelled' ? 'Cancel' : 'Mark as returned'} ${p.label}? It cannot be undone.`,
  'tool.confirm.takeStock': (p: { count: number; name: string; reason: string; left: number }) =>
    `Take ${p.count} of ${p.name} out of stock (${p.reason})? It then has ${p.left} left.`,
  'tool.kind.product': 'product',
  'tool.kind.category': 'category',
  'tool.kind.discount': 'discount',
  'tool.notConfirmed.delete': (p: { kind: string; id: string }) => `Nothing was changed: the merchant did not confirm deleting ${p.kind} ${p.id}.`,
  'tool.notConfirmed.order': (p: { label: string; status: string }) => `Nothing was changed: the merchant did not confirm; ${p.label} stays ${p.status}.`,
  'tool.notConfirmed.stock': (p: { id: string; stock: number }) =>
    `Nothing was changed: the merchant did not confirm emptying the stock of ${p.id}; it stays at ${p.stock}.`,
  'tool.deleted': (p: { kind: string; id: string; deleted: boolean }) =>
    p.deleted ? `Deleted ${p.kind} ${p.id}.` : `Whatalo did not delete ${p.kind} ${p.id}.`,
  'tool.customer': (p: { name: string; id: string; orders?: number; spent?: string }, f: Formatter) =>
    `${p.name} (${p.id})${p.orders === undefined ? '' : `: ${p.orders} ${f.plural(p.orders, { one: 'order', other: 'orders' })}`}` +
    `${p.spent ? `, ${p.spent} spent` : ''}.`,
  'tool.customer.added': (p: { name: string; id: string }) => `Added customer ${p.name} (${p.id}).`,
  'tool.updated': (p: { kind: string; label: string; id: string; fields: string[] }) =>
    `Updated ${p.kind ? `${p.kind} ` : ''}${p.label} (${p.id}): ${p.fields.join(', ')}.`,
  'tool.kind.customer': 'customer',
  'tool.category': (p: { label: string; id: string }) => `Category ${p.label} (${p.id}).`,
  'tool.category.created': (p: { label: string; id: string }) => `Created category ${p.label} (${p.id}).`,
  'tool.category.updated': (p: { label: string; id: string }) => `Updated category ${p.label} (${p.id}).`,
  'tool.category.noDescription': ' Whatalo categories have no description, so the description given was not saved.',
  'tool.discount.percent': (p: { value: number }) => `${p.value} % off`,
  'tool.discount.fixed': (p: { amount: string }) => `${p.amount} off`,
  'tool.discount': (p: { label: string; id: string; value: string; usable: boolean }) =>
    `Discount ${p.label} (${p.id}): ${p.value}${p.usable ? '' : ', not usable now'}.`,
  'tool.discount.created': (p: { label: string; id: string; value: string }) => `Created discount ${p.label} (${p.id}): ${p.value}.`,
  'tool.discount.applies': (p: { code: string; amount: string; total: string }) => `Code ${p.code} applies: ${p.amount} off ${p.total}.`,
  'tool.discount.doesNotApply': (p: { code: string; reason: string | null }) => `Code ${p.code} does not apply${p.reason ? `: ${p.reason}` : ''}.`,
  'tool.product.created': (p: { label: string; id: string; price: string; visible: boolean }) =>
    `Created ${p.label} (${p.id}) at ${p.price}, ${p.visible ? 'visible' : 'hidden'}.`,
  'tool.product.hidden': (p: { label: string; id: string }) => `${p.label} (${p.id}) is hidden from the storefront.`,
  'tool.stock': (p: { id: string; sku?: string | null; stock: number }) => `Product ${p.id}${p.sku ? ` (SKU ${p.sku})` : ''} has ${p.stock} in stock.`,
  'tool.stock.variants': (p: { listed: string[]; more: number }) => ` Variants: ${p.listed.join(', ')}${p.more ? `, and ${p.more} more` : ''}.`,
  'tool.stock.moved': (p: { id: string; before: number; after: number; delta: string; reason: string }) =>
    `Stock of ${p.id}: ${p.before} → ${p.after} (${p.delta}, ${p.reason}).`,
  'tool.sales': (p: { orders: number; from: string; to: string; zone: string; revenue: string; average: string; best?: string }, f: Formatter) =>
    `${p.orders} ${f.plural(p.orders, { one: 'paid order', other: 'paid orders' })} from ${p.from} to ${p.to} (${p.zone}): revenue ${p.revenue}, ` +
    `average ${p.average}.${p.best ? ` Best seller: ${p.best}.` : ''}`,
} as const;

/** `scope.read:products` → SCOPE_CATALOG's English for it; typed per scope, so es.ts must cover each. */
function scopeKeys(): { readonly [S in Scope as `scope.${S}`]: (typeof SCOPE_CATALOG)[S] } {
  return Object.fromEntries(ALL_SCOPES.map((s) => [`scope.${s}`, SCOPE_CATALOG[s]])) as never;
}
