/**
 * The short summaries of tool results and the confirmation questions, in the person's
 * language (WHATALO_LANG, else the OS locale; see ../i18n/locale.ts). Tool names,
 * descriptions and JSON data stay English: models read them and hosts cache them.
 *
 * One translator per process, built on first use: the tool call path is benchmarked, and
 * detecting the locale (Intl included) per call would cost more than the call's own text.
 */
import { type Translator, detectLocale, translator } from '../i18n/index.js';

let current: Translator | undefined;

/** The process's translator for tool texts. */
export function toolTexts(): Translator {
  return (current ??= translator(detectLocale()));
}

/** True when tool texts read English: the hand-tuned English paths (formatMoney) stay in use. */
export function englishTexts(): boolean {
  return toolTexts().locale.language === 'en';
}

const ORDER_STATUS = new Set(['pending', 'confirmed', 'in_progress', 'completed', 'cancelled', 'returned']);
const PAYMENT_STATUS = new Set(['pending', 'paid', 'refunded', 'failed']);

/** An order status as the person reads it: the API's own word in English, the catalog's in Spanish. */
export function orderStatusText(status: string): string {
  if (englishTexts() || !ORDER_STATUS.has(status)) return status;
  return toolTexts().t(`demo.status.${status}` as 'demo.status.pending');
}

/** A payment status, likewise. */
export function paymentStatusText(status: string): string {
  if (englishTexts() || !PAYMENT_STATUS.has(status)) return status;
  return toolTexts().t(`demo.payment.${status}` as 'demo.payment.pending');
}
