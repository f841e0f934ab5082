import { describe, expect, it } from 'vitest';
import { CATALOG_LANGUAGES, type MessageKey, translator } from '../../src/i18n/index.js';

const es = translator({ language: 'es', tag: 'es-MX' });
const en = translator({ language: 'en', tag: 'en-US' });

describe('catalogs', () => {
  it('every language has every key of the English catalog, none empty, and no key of its own', () => {
    // The type checker already refuses a missing key; this catches one added with `as any`.
    const reference = Object.keys(CATALOG_LANGUAGES.en).sort();
    for (const [language, catalog] of Object.entries(CATALOG_LANGUAGES)) {
      expect(Object.keys(catalog).sort(), language).toEqual(reference);
      for (const [key, message] of Object.entries(catalog)) {
        if (typeof message === 'string') expect(message.trim(), `${language} ${key}`).not.toBe('');
      }
    }
  });

  it('Spanish texts are not the English ones copied', () => {
    const same = (Object.keys(CATALOG_LANGUAGES.en) as MessageKey[]).filter((k) => CATALOG_LANGUAGES.en[k] === CATALOG_LANGUAGES.es[k]);
    expect(same).toEqual([]);
  });

  it('fills parameters and plurals in the person language', () => {
    expect(es.t('page.done.body', { app: 'Claude', store: 'Sabores de Oaxaca', storeId: 'str_ab12cd34' })).toContain(
      'tu tienda Sabores de Oaxaca (str_ab12cd34)',
    );
    expect(es.t('count.products', { n: 1 })).toBe('1 producto');
    expect(es.t('count.products', { n: 1250 })).toBe('1,250 productos');
    expect(en.t('count.orders', { n: 1 })).toBe('1 order');
    expect(en.t('count.orders', { n: 0 })).toBe('0 orders');
  });
});

describe('money and dates in the person locale, the store currency and time zone', () => {
  it('writes the symbol and the code, since $ alone is several currencies', () => {
    expect(es.money(2967.5, 'MXN')).toBe('$2,967.50 MXN');
    expect(en.money(2967.5, 'MXN')).toBe('$2,967.50 MXN');
    expect(es.money(1500, 'COP')).toMatch(/^\$1,500(\.00)? COP$/);
    expect(translator({ language: 'es', tag: 'es-ES' }).money(2967.5, 'MXN')).toBe('2967,50\u00a0$ MXN');
    expect(en.money(12, 'XYZ1')).toBe('12 XYZ1');
  });

  it('dates read as the person writes them, on the store calendar', () => {
    expect(es.date('2026-12-07T15:00:00Z', 'America/Mexico_City')).toBe('7 dic 2026');
    expect(en.date('2026-12-07T15:00:00Z', 'America/Mexico_City')).toBe('Dec 7, 2026');
    // 02:00 UTC on the 8th is still the 7th in Mexico City.
    expect(es.date('2026-12-08T02:00:00Z', 'America/Mexico_City')).toBe('7 dic 2026');
    expect(es.date('2026-12-08T02:00:00Z', 'Not/AZone')).toMatch(/dic 2026/);
    expect(es.date('not a date')).toBe('not a date');
  });
});
