/**
 * The thin typed API v1 client: one request function that owns the retry policy, and one
 * typed method per endpoint of CONTRACT §4. It knows nothing of OAuth: each request is sent
 * with the credentials it is given, and the token alone selects the store (V1: no store
 * header). A 401 is AUTH_REQUIRED at once (`isUnauthorized`); the caller that knows where
 * credentials come from renews and retries (src/server/call.ts).
 *
 * Retry policy, all bounded so a tool call never hangs:
 * - 429: wait for Retry-After, or until X-RateLimit-Reset (a Unix time, V4), at most
 *   `maxRateLimitRetries` times and `maxRateLimitWaitMs` in total; past that, RATE_LIMITED
 *   at once with the wait in the message.
 * - 5xx, timeouts, network errors: back off base·1, base·2, base·4 — only for requests that
 *   are safe to repeat. API v1 has no idempotency key (V6): a create (POST) or a relative
 *   stock change (the inventory PATCH) that failed mid-way may have been applied, so it is
 *   never sent twice; its error says the change may or may not have been made.
 *
 * @see ../../../shared/spec/CONTRACT.md V1–V6
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { WhataloError } from '../errors.js';
import { type Logger, silentLogger } from '../log.js';
import { API_MAX_BYTES, type BoundedAnswer, isRefusedAnswer, originOf, requestBounded, seconds } from '../net/bounded.js';
import { VERSION } from '../version.js';
import { type StoreCache, createStoreCache } from './store-cache.js';
import { OUTCOME_UNKNOWN_HINT, type Subject, apiErrorFromAnswer, rateLimited, readErrorBody, unreachable } from './errors.js';
import type {
  Category,
  CategoryFields,
  Count,
  CountQuery,
  Customer,
  CustomerFields,
  CustomerQuery,
  Deleted,
  Discount,
  DiscountCheck,
  DiscountFields,
  DiscountQuery,
  Inventory,
  NewCategory,
  NewCustomer,
  NewDiscount,
  NewProduct,
  Order,
  OrderItem,
  OrderQuery,
  OrderStatus,
  Page,
  PageQuery,
  Pagination,
  PaymentStatus,
  Product,
  ProductFields,
  ProductQuery,
  StockChange,
  Store,
} from './types.js';
import { MAX_PER_PAGE } from './types.js';

/** What one request is sent with. `accessToken` is never logged nor put in an error. */
export interface Credentials {
  accessToken: string;
  /** The store the token resolves to (introspection's whatalo_store_id); named in messages, never sent. */
  storeId: string;
}

export interface RetryPolicy {
  /** First 5xx backoff; doubles each time. 1 s in production (CONTRACT V7). */
  baseMs: number;
  maxServerRetries: number;
  maxRateLimitRetries: number;
  maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
  baseMs: 1000,
  maxServerRetries: 3,
  maxRateLimitRetries: 2,
  maxRateLimitWaitMs: 10_000,
});

const USER_AGENT = `whatalo-mcp/${VERSION}`;

/** One attempt's bound: a hung connection must fail over to a retry, not hold the call. */
export const DEFAULT_TIMEOUT_MS = 15_000;
/**
 * A request's whole bound, retries and their pauses included, as a multiple of one attempt's:
 * 30 s by default, half of the 60 s a host usually waits for a tool call, so the merchant
 * reads our message rather than the host's "no response". Without it a dripping API held a
 * call for four attempts, over a minute.
 */
const BUDGET_ATTEMPTS = 2;
/** A retry that would have less time than this left is not worth starting. */
const MIN_ATTEMPT_MS = 250;

export interface ApiClientOptions {
  apiBase: URL;
  logger?: Logger;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface ApiRequest {
  method: HttpMethod;
  /** Below the API base, e.g. `/products/472819365047`; ids already encoded. */
  path: string;
  query?: object;
  body?: unknown;
  /** Whether a failed attempt may be sent again; by default every method but POST. */
  repeatable?: boolean;
  /** The record the request is about, so a 404 names it. */
  subject?: Subject;
}

/** A successful answer, as named when what it held turns out to be unusable. */
export interface ApiAnswer {
  method: HttpMethod;
  path: string;
  requestId: string | undefined;
}

export interface ApiClient {
  /** Sends one request with the retry policy; resolves to the parsed JSON body, after telling `answered` which answer it was. */
  request<T>(request: ApiRequest, credentials: Credentials, signal?: AbortSignal, answered?: (answer: ApiAnswer) => void): Promise<T>;
  /** The typed endpoints, bound to one set of credentials and one caller's signal. */
  bind(credentials: Credentials, signal?: AbortSignal): StoreApi;
  /** Each store read lately, by id: its currency and time zone for the tools' texts. */
  readonly stores: StoreCache;
}

/** API v1, one method per endpoint of CONTRACT §4. Single items are unwrapped from `{data}`. */
export interface StoreApi {
  getStore(): Promise<Store>;
  listProducts(query?: ProductQuery): Promise<Page<Product>>;
  countProducts(query?: CountQuery): Promise<number>;
  getProduct(id: string): Promise<Product>;
  createProduct(fields: NewProduct): Promise<Product>;
  updateProduct(id: string, fields: ProductFields): Promise<Product>;
  deleteProduct(id: string): Promise<Deleted>;
  listCategories(query?: PageQuery): Promise<Page<Category>>;
  getCategory(id: string): Promise<Category>;
  createCategory(fields: NewCategory): Promise<Category>;
  updateCategory(id: string, fields: CategoryFields): Promise<Category>;
  deleteCategory(id: string): Promise<Deleted>;
  getInventory(productId: string): Promise<Inventory>;
  /** A relative change: sent once, never repeated (V6). */
  changeStock(productId: string, change: StockChange): Promise<Inventory>;
  listCustomers(query?: CustomerQuery): Promise<Page<Customer>>;
  countCustomers(): Promise<number>;
  getCustomer(id: string): Promise<Customer>;
  createCustomer(fields: NewCustomer): Promise<Customer>;
  updateCustomer(id: string, fields: CustomerFields): Promise<Customer>;
  listOrders(query?: OrderQuery): Promise<Page<Order>>;
  countOrders(query?: CountQuery): Promise<number>;
  getOrder(id: string): Promise<Order>;
  listOrderItems(id: string): Promise<OrderItem[]>;
  updateOrder(id: string, change: { status: OrderStatus } | { payment_status: PaymentStatus }): Promise<Order>;
  listDiscounts(query?: DiscountQuery): Promise<Page<Discount>>;
  getDiscount(id: string): Promise<Discount>;
  createDiscount(fields: NewDiscount): Promise<Discount>;
  updateDiscount(id: string, fields: DiscountFields): Promise<Discount>;
  deleteDiscount(id: string): Promise<Deleted>;
  /** A read that happens to be a POST: safe to repeat. */
  validateDiscount(code: string, orderTotal: number): Promise<DiscountCheck>;
}

const UTF8 = new TextDecoder();

function cancelled(cause?: unknown): WhataloError {
  return new WhataloError('CANCELLED', 'The request was cancelled.', { cause });
}

/**
 * How long a 429 asks to wait, in ms: Retry-After (delta-seconds or an HTTP-date, RFC 9110
 * §10.2.3), else X-RateLimit-Reset, which API v1 sends as a Unix time in seconds (V4), not
 * as seconds from now.
 */
export function rateLimitWaitMs(headers: { get(name: string): string | null | undefined }, now = Date.now()): number | undefined {
  const header = headers.get('retry-after')?.trim();
  if (header) {
    if (/^\d+$/.test(header)) return Number(header) * 1000;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) return Math.max(0, Math.ceil(Number(reset) * 1000 - now));
  return undefined;
}

/** A network failure in words, from undici's `cause` (ECONNREFUSED …), never the URL's secrets. */
function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${seconds(timeoutMs)}`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'DNS lookup failed',
    ETIMEDOUT: 'connection timed out',
    UND_ERR_SOCKET: 'connection closed',
  };
  if (code) return words[code] ?? code.toLowerCase();
  const said = cause instanceof Error ? cause.message : '';
  return said && said.length <= 80 ? `network error: ${said}` : 'network error';
}

function queryString(query: object | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Creates the client; `apiBase` keeps its path (`…/api/v1`, `…/v1`). */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const origin = originOf(options.apiBase);
  const basePath = options.apiBase.pathname.replace(/\/+$/, '');
  const logger = options.logger ?? silentLogger;
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await sleepFor(ms, undefined, signal ? { signal } : undefined);
    } catch (error) {
      throw cancelled(error);
    }
  }

  async function request<T>(req: ApiRequest, credentials: Credentials, signal?: AbortSignal, answered?: (answer: ApiAnswer) => void): Promise<T> {
    const path = `${basePath}${req.path}${queryString(req.query)}`;
    const repeatable = req.repeatable ?? req.method !== 'POST';
    let serverRetries = 0;
    let rateRetries = 0;
    let waitedMs = 0;
    const deadline = Date.now() + BUDGET_ATTEMPTS * timeoutMs;
    const nextBackoff = () => retry.baseMs * 2 ** serverRetries;
    /** A server failure or a network failure is tried again while the policy and the budget allow it. */
    const mayRetry = () => repeatable && serverRetries < retry.maxServerRetries && deadline - Date.now() - nextBackoff() >= MIN_ATTEMPT_MS;
    const backoff = () => retry.baseMs * 2 ** serverRetries++;

    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${credentials.accessToken}`,
      'user-agent': USER_AGENT,
    };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    const json = req.body === undefined ? undefined : JSON.stringify(req.body);

    for (;;) {
      if (signal?.aborted) throw cancelled(signal.reason);
      let response: BoundedAnswer;
      try {
        response = await requestBounded(
          origin,
          path,
          { method: req.method, headers, body: json },
          // The bound covers the body too: a drip or an endless answer ends like a hang.
          {
            what: `Whatalo's API (${req.method} ${req.path})`,
            maxBytes: API_MAX_BYTES,
            timeoutMs: Math.min(timeoutMs, Math.max(MIN_ATTEMPT_MS, deadline - Date.now())),
            signal,
          },
        );
      } catch (error) {
        if (signal?.aborted) throw cancelled(error);
        if (isRefusedAnswer(error)) {
          throw new WhataloError('API_ERROR', `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`, {
            cause: error,
            ...(repeatable ? {} : { hint: OUTCOME_UNKNOWN_HINT }),
          });
        }
        const why = networkReason(error, timeoutMs);
        if (mayRetry()) {
          logger.debug('API v1 request failed; retrying', { method: req.method, path: req.path, why });
          await pause(backoff(), signal);
          continue;
        }
        throw repeatable ? unreachable(why, error) : unreachable(why, error, undefined, OUTCOME_UNKNOWN_HINT);
      }
      // Already in memory (requestBounded read it within the cap); decoded as Response.text() would (a BOM dropped).
      const text = response.body ? UTF8.decode(response.body) : '';

      const requestId = response.headers.get('x-request-id') ?? undefined;
      if (response.status >= 200 && response.status < 300) {
        const value = parseSuccess<T>(text, response.status, requestId);
        answered?.({ method: req.method, path: req.path, requestId });
        return value;
      }

      const { body, ignored } = readErrorBody(safeJson(text));
      logger.debug('API v1 error', {
        method: req.method,
        path: req.path,
        status: response.status,
        code: body.code,
        requestId: body.requestId ?? requestId,
        ...(ignored.length > 0 ? { ignoredFields: ignored.join(', ') } : {}),
      });

      if (response.status === 429) {
        const wait = rateLimitWaitMs(response.headers);
        // A 429 is refused before anything is done, so even a create may be sent again after it.
        if (wait !== undefined && rateRetries < retry.maxRateLimitRetries && waitedMs + wait <= retry.maxRateLimitWaitMs) {
          rateRetries++;
          waitedMs += wait;
          logger.debug('API v1 rate limited; waiting', { waitMs: wait });
          await pause(wait, signal);
          continue;
        }
        const said = body.message ? { apiMessage: body.message } : {};
        throw rateLimited(credentials.storeId, wait === undefined ? undefined : Math.ceil(wait / 1000), {
          status: 429,
          apiCode: body.code,
          requestId: body.requestId ?? requestId,
          ...said,
        });
      }
      if (response.status >= 500 && mayRetry()) {
        await pause(backoff(), signal);
        continue;
      }
      if (response.status >= 500) {
        const attempts = serverRetries + 1;
        const details = { status: response.status, apiCode: body.code, requestId: body.requestId ?? requestId };
        throw repeatable
          ? unreachable(`HTTP ${response.status}, after ${attempts} attempt${attempts === 1 ? '' : 's'}`, undefined, details)
          : unreachable(`HTTP ${response.status}`, undefined, details, OUTCOME_UNKNOWN_HINT);
      }
      throw apiErrorFromAnswer(response.status, body, credentials.storeId, requestId, req.subject);
    }
  }

  function parseSuccess<T>(text: string, status: number, requestId: string | undefined): T {
    const value = safeJson(text);
    if (value === undefined || value === null || typeof value !== 'object') {
      throw new WhataloError('API_ERROR', `Whatalo answered HTTP ${status} with a body that is not a JSON object.`, {
        details: { status, apiCode: undefined, requestId },
      });
    }
    return value as T;
  }

  const client: ApiClient = {
    request,
    stores: createStoreCache(),
    bind(credentials, signal) {
      return storeApi((req) => request(req, credentials, signal));
    },
  };
  return client;
}

function safeJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Sends one request and resolves to its parsed JSON body. */
export type Send = <T>(req: ApiRequest) => Promise<T>;

/** Unwraps `{data}`; an answer without it is the API breaking its own envelope (CONTRACT V2). */
async function one<T>(send: Send, req: ApiRequest): Promise<T> {
  const body = await send<{ data?: T }>(req);
  if (body.data === undefined || body.data === null) {
    throw new WhataloError('API_ERROR', `Whatalo's answer to ${req.method} ${req.path} has no "data".`);
  }
  return body.data;
}

async function page<T>(send: Send, req: ApiRequest): Promise<Page<T>> {
  const body = await send<Partial<Page<T>>>(req);
  if (!Array.isArray(body.data) || !body.pagination || typeof body.pagination.total !== 'number') {
    throw new WhataloError('API_ERROR', `Whatalo's answer to ${req.method} ${req.path} is not a page ({data: [...], pagination}).`);
  }
  return body as Page<T>;
}

/**
 * Every item of a list that is paged like any list (an order's items, CONTRACT V2): pages of
 * 100 until the last; an answer without `pagination` is the whole list. Bounded by MAX_PAGES.
 */
async function all<T>(send: Send, req: ApiRequest): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; page <= MAX_ITEM_PAGES; page++) {
    const body = await send<{ data?: unknown; pagination?: Partial<Pagination> }>({ ...req, query: { page, per_page: MAX_PER_PAGE } });
    if (!Array.isArray(body.data)) throw new WhataloError('API_ERROR', `Whatalo's answer to ${req.method} ${req.path} has no "data" list.`);
    items.push(...(body.data as T[]));
    const pages = body.pagination?.total_pages;
    if (typeof pages !== 'number' || page >= pages || body.data.length === 0) return items;
  }
  return items;
}

/** An order of more than 1,000 lines is not one a tool can show anyway. */
const MAX_ITEM_PAGES = 10;

/** `{"data":{"count":N}}` (CONTRACT V2). */
async function count(send: Send, req: ApiRequest): Promise<number> {
  const data = await one<Partial<Count>>(send, req);
  if (typeof data.count !== 'number' || !Number.isSafeInteger(data.count) || data.count < 0) {
    throw new WhataloError('API_ERROR', `Whatalo's answer to ${req.method} ${req.path} has no "count".`);
  }
  return data.count;
}

// Dots too: an id of '..' must not climb out of its collection once the URL is normalised.
function seg(id: string): string {
  const encoded = encodeURIComponent(id);
  return encoded.includes('.') ? encoded.replaceAll('.', '%2E') : encoded;
}

/** A request about one record: its path below `collection`, and what a 404 names. */
function about(method: HttpMethod, collection: string, type: string, id: string, suffix = ''): ApiRequest {
  return { method, path: `${collection}/${seg(id)}${suffix}`, subject: { type, id } };
}

/**
 * The typed endpoints over any `send`. Methods on a prototype rather than closures: a call
 * binds a new StoreApi to its access, and closures were one object per endpoint per call.
 */
export function storeApi(send: Send): StoreApi {
  return new SendingStoreApi(send);
}

class SendingStoreApi implements StoreApi {
  constructor(private readonly send: Send) {}

  getStore(): Promise<Store> {
    return one(this.send, { method: 'GET', path: '/store' });
  }

  listProducts(query?: ProductQuery): Promise<Page<Product>> {
    return page(this.send, { method: 'GET', path: '/products', query });
  }

  countProducts(query?: CountQuery): Promise<number> {
    return count(this.send, { method: 'GET', path: '/products/count', query });
  }

  getProduct(id: string): Promise<Product> {
    return one(this.send, about('GET', '/products', 'product', id));
  }

  createProduct(fields: NewProduct): Promise<Product> {
    return one(this.send, { method: 'POST', path: '/products', body: fields });
  }

  updateProduct(id: string, fields: ProductFields): Promise<Product> {
    return one(this.send, { ...about('PATCH', '/products', 'product', id), body: fields });
  }

  deleteProduct(id: string): Promise<Deleted> {
    return one(this.send, about('DELETE', '/products', 'product', id));
  }

  listCategories(query?: PageQuery): Promise<Page<Category>> {
    return page(this.send, { method: 'GET', path: '/categories', query });
  }

  getCategory(id: string): Promise<Category> {
    return one(this.send, about('GET', '/categories', 'category', id));
  }

  createCategory(fields: NewCategory): Promise<Category> {
    return one(this.send, { method: 'POST', path: '/categories', body: fields });
  }

  updateCategory(id: string, fields: CategoryFields): Promise<Category> {
    return one(this.send, { ...about('PATCH', '/categories', 'category', id), body: fields });
  }

  deleteCategory(id: string): Promise<Deleted> {
    return one(this.send, about('DELETE', '/categories', 'category', id));
  }

  getInventory(productId: string): Promise<Inventory> {
    return one(this.send, about('GET', '/inventory/products', 'product', productId));
  }

  changeStock(productId: string, change: StockChange): Promise<Inventory> {
    return one(this.send, { ...about('PATCH', '/inventory/products', 'product', productId), body: change, repeatable: false });
  }

  listCustomers(query?: CustomerQuery): Promise<Page<Customer>> {
    return page(this.send, { method: 'GET', path: '/customers', query });
  }

  countCustomers(): Promise<number> {
    return count(this.send, { method: 'GET', path: '/customers/count' });
  }

  getCustomer(id: string): Promise<Customer> {
    return one(this.send, about('GET', '/customers', 'customer', id));
  }

  createCustomer(fields: NewCustomer): Promise<Customer> {
    return one(this.send, { method: 'POST', path: '/customers', body: fields });
  }

  updateCustomer(id: string, fields: CustomerFields): Promise<Customer> {
    return one(this.send, { ...about('PATCH', '/customers', 'customer', id), body: fields });
  }

  listOrders(query?: OrderQuery): Promise<Page<Order>> {
    return page(this.send, { method: 'GET', path: '/orders', query });
  }

  countOrders(query?: CountQuery): Promise<number> {
    return count(this.send, { method: 'GET', path: '/orders/count', query });
  }

  getOrder(id: string): Promise<Order> {
    return one(this.send, about('GET', '/orders', 'order', id));
  }

  listOrderItems(id: string): Promise<OrderItem[]> {
    return all(this.send, about('GET', '/orders', 'order', id, '/items'));
  }

  updateOrder(id: string, change: { status: OrderStatus } | { payment_status: PaymentStatus }): Promise<Order> {
    return one(this.send, { ...about('PATCH', '/orders', 'order', id), body: change });
  }

  listDiscounts(query?: DiscountQuery): Promise<Page<Discount>> {
    return page(this.send, { method: 'GET', path: '/discounts', query });
  }

  getDiscount(id: string): Promise<Discount> {
    return one(this.send, about('GET', '/discounts', 'discount', id));
  }

  createDiscount(fields: NewDiscount): Promise<Discount> {
    return one(this.send, { method: 'POST', path: '/discounts', body: fields });
  }

  updateDiscount(id: string, fields: DiscountFields): Promise<Discount> {
    return one(this.send, { ...about('PATCH', '/discounts', 'discount', id), body: fields });
  }

  deleteDiscount(id: string): Promise<Deleted> {
    return one(this.send, about('DELETE', '/discounts', 'discount', id));
  }

  validateDiscount(code: string, orderTotal: number): Promise<DiscountCheck> {
    return one(this.send, { method: 'POST', path: '/discounts/validate', body: { code, order_total: orderTotal }, repeatable: true });
  }
}
