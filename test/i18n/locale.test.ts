import { describe, expect, it } from 'vitest';
import { detectLocale, fromTag } from '../../src/i18n/locale.js';

const noRuntime = () => undefined;

describe('detectLocale: the language a person reads', () => {
  it('WHATALO_LANG wins over the POSIX variables', () => {
    expect(detectLocale({ WHATALO_LANG: 'es', LANG: 'en_US.UTF-8' }, noRuntime).language).toBe('es');
    expect(detectLocale({ WHATALO_LANG: 'en', LC_ALL: 'es_MX.UTF-8' }, noRuntime).language).toBe('en');
  });

  it('follows setlocale(3): the first of LC_ALL, LC_MESSAGES, LANG that is set decides', () => {
    expect(detectLocale({ LANG: 'es_MX.UTF-8' }, noRuntime)).toEqual({ language: 'es', tag: 'es-MX' });
    expect(detectLocale({ LC_MESSAGES: 'es_CO.UTF-8', LANG: 'en_US.UTF-8' }, noRuntime).tag).toBe('es-CO');
    // LC_ALL=C is the C locale: English, even under a Spanish LANG.
    expect(detectLocale({ LC_ALL: 'C', LANG: 'es_MX.UTF-8' }, noRuntime).language).toBe('en');
    expect(detectLocale({ LANG: 'en_US.UTF-8' }, noRuntime)).toEqual({ language: 'en', tag: 'en-US' });
  });

  it('falls back to the runtime locale (a desktop host on Windows or macOS sets no LANG), then English', () => {
    expect(detectLocale({}, () => 'es-DO').language).toBe('es');
    expect(detectLocale({}, noRuntime).language).toBe('en');
    expect(detectLocale({ LANG: '' }, () => 'es-419').tag).toBe('es-419');
  });

  it('reads a language without a catalog as English with its own numbers, and ignores what is not a tag', () => {
    expect(fromTag('fr_FR.UTF-8')).toEqual({ language: 'en', tag: 'fr-FR' });
    expect(fromTag('es')).toEqual({ language: 'es', tag: 'es-MX' });
    expect(fromTag('de_DE@euro')?.tag).toBe('de-DE');
    expect(fromTag('!!')).toBeUndefined();
    expect(detectLocale({ LANG: '!!' }, () => 'es-MX').language).toBe('en');
  });
});
