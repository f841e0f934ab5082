/**
 * Which language a person reads: Spanish or English, chosen the way a terminal user expects.
 *
 * `WHATALO_LANG` first (a merchant's explicit choice), then the POSIX chain `LC_ALL`,
 * `LC_MESSAGES`, `LANG` (the first one set decides, as in setlocale(3): `LC_ALL=C` means the
 * C locale, so English, even when `LANG` is Spanish), then the runtime's own locale (`Intl`,
 * which is what a desktop host on Windows or macOS hands us), else English.
 *
 * Only texts a person reads follow it; tool names, descriptions and JSON stay English.
 */

export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface Locale {
  /** The catalog to read. */
  language: Language;
  /** A BCP 47 tag for Intl (numbers, dates, plurals): `es-MX` from `es_MX.UTF-8`. */
  tag: string;
}

export const ENGLISH: Locale = Object.freeze({ language: 'en', tag: 'en-US' });

type Env = Readonly<Record<string, string | undefined>>;

const CHAIN = ['WHATALO_LANG', 'LC_ALL', 'LC_MESSAGES', 'LANG'] as const;

/** The locale a person reading this process's output expects. */
export function detectLocale(env: Env = process.env, runtimeLocale: () => string | undefined = intlLocale): Locale {
  for (const name of CHAIN) {
    const raw = env[name]?.trim();
    if (raw) return fromTag(raw) ?? ENGLISH;
  }
  const runtime = runtimeLocale();
  return (runtime && fromTag(runtime)) || ENGLISH;
}

/** `es_MX.UTF-8@euro`, `es-MX`, `es`, `C`, `POSIX` → a Locale; undefined for what is not a tag. */
export function fromTag(raw: string): Locale | undefined {
  const base = raw.split(/[.@]/)[0]!.replace(/_/g, '-');
  if (base === 'C' || base === 'POSIX') return ENGLISH;
  let canonical: string;
  try {
    canonical = Intl.getCanonicalLocales(base)[0] ?? '';
  } catch {
    return undefined; // not a language tag at all
  }
  const language = canonical.split('-')[0]!.toLowerCase();
  if (language === 'es') return { language: 'es', tag: canonical.includes('-') ? canonical : 'es-MX' };
  if (language === 'en') return { language: 'en', tag: canonical.includes('-') ? canonical : 'en-US' };
  // A language we have no catalog for reads English, with its own numbers and dates.
  return { language: 'en', tag: canonical };
}

function intlLocale(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().locale;
  } catch {
    return undefined;
  }
}
