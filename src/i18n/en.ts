/**
 * English: the reference catalog. Its keys are the catalog's keys; es.ts must have every one
 * with the same parameters, or the build fails (see Catalog in index.ts).
 *
 * A message is a string, or a function of named parameters and the person's formatter
 * (plurals, money and dates through Intl). Keys are grouped by where a person reads them.
 */
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
} as const;
