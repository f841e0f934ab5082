/**
 * The sandbox's seed data and in-memory store: one merchant with two stores in different
 * currencies, each with a realistic catalog, customers and orders.
 *
 * Everything is derived from one seeded PRNG and a fixed epoch, never from Date.now() or
 * Math.random(): the same build always shows the same store, so tests, demos and bug
 * reports agree on ids and numbers. Records are plain data; derived figures (a category's
 * product_count, a customer's orders_count and total_spent) are computed on read by the
 * view functions below so that writes through API v1 can never leave them stale.
 *
 * @see ../../docs/design.md "API v1" for the shapes.
 */

export const ORDER_STATUSES = ['pending', 'confirmed', 'in_progress', 'completed', 'cancelled', 'returned'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const PAYMENT_STATUSES = ['pending', 'paid', 'refunded', 'failed'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export const PRODUCT_STATUSES = ['active', 'draft', 'archived'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/** Order state machine (docs/design.md): the states each status may move to. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['in_progress', 'cancelled'],
  in_progress: ['completed', 'cancelled'],
  completed: ['returned'],
  cancelled: [],
  returned: [],
};

/** The seed's "now": all seeded times lie before it. */
export const SEED_EPOCH_MS = Date.UTC(2026, 9, 1, 0, 0, 0);
const SEED = 0x5eed_2026;

export interface Merchant {
  id: string;
  name: string;
  email: string;
}

export interface Store {
  id: string;
  name: string;
  currency: string;
  country: string;
  timezone: string;
  url: string;
  created_at: string;
}

export interface Product {
  id: string;
  name: string;
  description: string | null;
  sku: string | null;
  price: number;
  compare_at_price: number | null;
  currency: string;
  status: ProductStatus;
  category_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface Category {
  id: string;
  name: string;
  description: string | null;
  product_count: number;
  created_at: string;
}
/** A category as stored: `product_count` is derived on read. */
export type CategoryRecord = Omit<Category, 'product_count'>;

export interface Inventory {
  product_id: string;
  sku: string | null;
  quantity: number;
  updated_at: string;
}

export interface Customer {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  orders_count: number;
  total_spent: number;
  currency: string;
  created_at: string;
}
/** A customer as stored: `orders_count` and `total_spent` are derived on read. */
export type CustomerRecord = Omit<Customer, 'orders_count' | 'total_spent'>;

export interface OrderItem {
  product_id: string;
  name: string;
  quantity: number;
  unit_price: number;
  total: number;
}

export interface Order {
  id: string;
  number: number;
  customer_id: string;
  customer_name: string;
  status: OrderStatus;
  payment_status: PaymentStatus;
  currency: string;
  items: OrderItem[];
  subtotal: number;
  shipping: number;
  total: number;
  created_at: string;
  updated_at: string;
}

/** One store's mutable collections; Map order is insertion order, never relied on for lists. */
export interface StoreData {
  store: Store;
  products: Map<string, Product>;
  categories: Map<string, CategoryRecord>;
  inventory: Map<string, Inventory>;
  customers: Map<string, CustomerRecord>;
  orders: Map<string, Order>;
}

export interface SandboxData {
  merchant: Merchant;
  stores: Store[];
  /** Per store id. */
  byStore: Map<string, StoreData>;
  /** PRNG state for ids minted after seeding (plain data so two seeds compare deep-equal). */
  idState: number;
  usedIds: Set<string>;
}

export type IdPrefix = 'usr' | 'str' | 'prd' | 'cat' | 'cus' | 'ord';

/** mulberry32: a tiny, well-mixed 32-bit PRNG; returns the next state and a float in [0, 1). */
function mulberry32(state: number): [number, number] {
  const next = (state + 0x6d2b79f5) >>> 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [next, ((t ^ (t >>> 14)) >>> 0) / 4294967296];
}

interface Rng {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

function createRng(seed: number): Rng & { state(): number } {
  let state = seed >>> 0;
  const next = () => {
    const [s, value] = mulberry32(state);
    state = s;
    return value;
  };
  return {
    next,
    state: () => state,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

function mintId(rng: Rng, used: Set<string>, prefix: IdPrefix): string {
  for (;;) {
    let body = '';
    for (let i = 0; i < 8; i++) body += ID_ALPHABET[Math.floor(rng.next() * 36)];
    const id = `${prefix}_${body}`;
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

/** A new, never-used id for a record created through API v1 (deterministic per run). */
export function newId(data: SandboxData, prefix: IdPrefix): string {
  const rng = createRng(data.idState);
  const id = mintId(rng, data.usedIds, prefix);
  data.idState = rng.state();
  return id;
}

/** Money is kept in cents while computing so that sums are exact; shown with two decimals. */
export function fromCents(cents: number): number {
  return Math.round(cents) / 100;
}
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

const DAY_MS = 86_400_000;
function iso(ms: number): string {
  return new Date(ms).toISOString();
}
/** A time `daysAgo` days (plus a random part of a day) before the seed epoch. */
function before(rng: Rng, daysAgo: number): number {
  return SEED_EPOCH_MS - daysAgo * DAY_MS - rng.int(0, DAY_MS / 1000 - 1) * 1000;
}

interface CatalogSeed {
  category: string;
  description: string;
  code: string;
  items: readonly string[];
  priceRange: readonly [number, number];
}

interface StoreSeed {
  name: string;
  currency: string;
  country: string;
  timezone: string;
  url: string;
  skuPrefix: string;
  emailDomain: string;
  phonePrefix: string;
  firstNames: readonly string[];
  lastNames: readonly string[];
  shipping: readonly number[];
  catalog: readonly CatalogSeed[];
}

const MX: StoreSeed = {
  name: 'La Milpa Mercado',
  currency: 'MXN',
  country: 'MX',
  timezone: 'America/Mexico_City',
  url: 'https://lamilpa.example.mx',
  skuPrefix: 'MX',
  emailDomain: 'example.mx',
  phonePrefix: '+52 55',
  firstNames: [
    'María',
    'José',
    'Guadalupe',
    'Juan',
    'Fernanda',
    'Luis',
    'Ximena',
    'Carlos',
    'Sofía',
    'Miguel',
    'Valeria',
    'Alejandro',
    'Daniela',
    'Jorge',
    'Regina',
    'Ricardo',
    'Camila',
    'Emiliano',
    'Lucía',
    'Diego',
  ],
  lastNames: [
    'Hernández',
    'García',
    'Martínez',
    'López',
    'González',
    'Pérez',
    'Rodríguez',
    'Sánchez',
    'Ramírez',
    'Cruz',
    'Flores',
    'Gómez',
    'Morales',
    'Vázquez',
    'Reyes',
    'Jiménez',
    'Torres',
    'Díaz',
    'Gutiérrez',
    'Ruiz',
  ],
  shipping: [0, 99, 149, 199],
  catalog: [
    {
      category: 'Café',
      description: 'Café de altura de Chiapas, Veracruz y Oaxaca',
      code: 'CAF',
      priceRange: [120, 420],
      items: [
        'Café de Olla 500 g',
        'Café Chiapas Tostado Medio 1 kg',
        'Café Veracruz Molido 250 g',
        'Café Pluma Oaxaca en Grano 500 g',
        'Café Descafeinado Coatepec 250 g',
        'Café Soconusco Espresso 1 kg',
        'Cápsulas Café Mexicano x10',
        'Café Orgánico Nayarit 500 g',
        'Café Altura Puebla 250 g',
        'Café Tueste Oscuro 500 g',
        'Café Frío Concentrado 1 L',
      ],
    },
    {
      category: 'Chocolate y dulces',
      description: 'Chocolate de mesa y dulces tradicionales',
      code: 'DUL',
      priceRange: [35, 260],
      items: [
        'Chocolate de Mesa Oaxaqueño 500 g',
        'Tablillas de Chocolate con Canela',
        'Cajeta de Celaya 660 g',
        'Alegrías de Amaranto x12',
        'Mazapán de Cacahuate x30',
        'Obleas con Cajeta x20',
        'Jamoncillo de Leche 250 g',
        'Cocadas Horneadas x10',
        'Palanquetas de Cacahuate x8',
        'Ate de Membrillo 500 g',
        'Tamarindos Enchilados x25',
      ],
    },
    {
      category: 'Salsas y chiles',
      description: 'Salsas artesanales, chiles secos y moles',
      code: 'SAL',
      priceRange: [45, 320],
      items: [
        'Salsa Macha de Cacahuate 250 ml',
        'Chile Chipotle Seco 100 g',
        'Mole Poblano en Pasta 500 g',
        'Salsa Verde Tatemada 350 ml',
        'Chile Ancho 250 g',
        'Mole Negro Oaxaqueño 400 g',
        'Salsa de Habanero 150 ml',
        'Chile Pasilla 200 g',
        'Pipián Verde en Pasta 300 g',
        'Chile Guajillo 250 g',
        'Salsa Valentina Artesanal 500 ml',
      ],
    },
    {
      category: 'Despensa',
      description: 'Granos, harinas y básicos de la cocina mexicana',
      code: 'DES',
      priceRange: [28, 180],
      items: [
        'Maíz Azul Nixtamalizado 1 kg',
        'Frijol Negro de Zacatecas 1 kg',
        'Harina de Maíz para Tortillas 1 kg',
        'Arroz Morelos 1 kg',
        'Miel de Abeja Yucateca 500 g',
        'Vainilla de Papantla 120 ml',
        'Piloncillo 500 g',
        'Sal de Colima 250 g',
        'Amaranto Inflado 300 g',
        'Chía Orgánica 500 g',
        'Frijol Bayo 1 kg',
      ],
    },
    {
      category: 'Bebidas',
      description: 'Mezcal, aguas y bebidas tradicionales',
      code: 'BEB',
      priceRange: [60, 890],
      items: [
        'Mezcal Espadín Joven 750 ml',
        'Agua de Jamaica Concentrada 1 L',
        'Horchata en Polvo 500 g',
        'Tepache Artesanal 1 L',
        'Mezcal Tobalá 750 ml',
        'Pulque Curado de Guayaba 1 L',
        'Rompope de Puebla 750 ml',
        'Atole de Masa en Polvo 400 g',
        'Té de Canela 20 sobres',
        'Champurrado Instantáneo 350 g',
      ],
    },
    {
      category: 'Artesanías de cocina',
      description: 'Barro, molcajetes y textiles para la mesa',
      code: 'ART',
      priceRange: [150, 1450],
      items: [
        'Molcajete de Piedra Volcánica',
        'Olla de Barro Negro 2 L',
        'Jarrito de Barro x4',
        'Comal de Barro 30 cm',
        'Servilletas Bordadas Oaxaca x4',
        'Tortillero de Palma',
        'Canasta de Mimbre Mediana',
        'Cazuela de Barro 3 L',
        'Molinillo de Madera',
        'Prensa para Tortillas de Hierro',
      ],
    },
  ],
};

const ES: StoreSeed = {
  name: 'Ultramarinos La Alacena',
  currency: 'EUR',
  country: 'ES',
  timezone: 'Europe/Madrid',
  url: 'https://laalacena.example.com',
  skuPrefix: 'ES',
  emailDomain: 'example.com',
  phonePrefix: '+34 6',
  firstNames: [
    'Lucía',
    'Hugo',
    'Martina',
    'Mateo',
    'Paula',
    'Pablo',
    'Carmen',
    'Álvaro',
    'Julia',
    'Javier',
    'Elena',
    'Adrián',
    'Marta',
    'Sergio',
    'Nuria',
    'Iker',
    'Irene',
    'Raúl',
    'Alba',
    'Jordi',
  ],
  lastNames: [
    'García',
    'Fernández',
    'González',
    'Rodríguez',
    'López',
    'Martínez',
    'Sánchez',
    'Pérez',
    'Gómez',
    'Martín',
    'Jiménez',
    'Ruiz',
    'Hernández',
    'Díaz',
    'Moreno',
    'Álvarez',
    'Romero',
    'Navarro',
    'Torres',
    'Domínguez',
  ],
  shipping: [0, 3.95, 4.95, 6.5],
  catalog: [
    {
      category: 'Aceites y vinagres',
      description: 'Aceite de oliva virgen extra y vinagres de Jerez',
      code: 'ACE',
      priceRange: [4.5, 38],
      items: [
        'Aceite de Oliva Virgen Extra Picual 500 ml',
        'Aceite Arbequina 750 ml',
        'Vinagre de Jerez Reserva 250 ml',
        'Aceite Hojiblanca 1 L',
        'Vinagre de Módena 500 ml',
        'Aceite Virgen Extra Cornicabra 500 ml',
        'Aceite de Oliva Ecológico 5 L',
        'Vinagre de Vino Tinto 500 ml',
        'Aceite Empeltre 500 ml',
        'Aceite con Trufa Negra 250 ml',
        'Vinagre de Manzana Ecológico 500 ml',
      ],
    },
    {
      category: 'Conservas',
      description: 'Conservas del Cantábrico y de la huerta',
      code: 'CON',
      priceRange: [2.5, 29],
      items: [
        'Bonito del Norte en Aceite 250 g',
        'Anchoas del Cantábrico 50 g',
        'Mejillones en Escabeche 115 g',
        'Pimientos del Piquillo 290 g',
        'Berberechos al Natural 111 g',
        'Ventresca de Atún 110 g',
        'Sardinillas en Aceite 90 g',
        'Espárragos de Navarra 500 g',
        'Alcachofas de Tudela 390 g',
        'Pulpo en Aceite de Oliva 111 g',
        'Zamburiñas en Salsa 111 g',
      ],
    },
    {
      category: 'Quesos y embutidos',
      description: 'Quesos curados y embutidos ibéricos',
      code: 'QUE',
      priceRange: [5, 89],
      items: [
        'Queso Manchego Curado 1 kg',
        'Jamón Ibérico de Cebo Loncheado 100 g',
        'Chorizo Ibérico Sarta 250 g',
        'Queso Idiazabal 500 g',
        'Lomo Embuchado 200 g',
        'Queso Tetilla 800 g',
        'Salchichón de Vic 300 g',
        'Torta del Casar 500 g',
        'Sobrasada de Mallorca 250 g',
        'Queso Cabrales 250 g',
        'Cecina de León 100 g',
      ],
    },
    {
      category: 'Dulces y turrones',
      description: 'Turrones, mazapanes y dulces de convento',
      code: 'DUL',
      priceRange: [2.2, 24],
      items: [
        'Turrón de Jijona 300 g',
        'Turrón de Alicante 300 g',
        'Polvorones de Estepa 380 g',
        'Mazapán de Toledo 200 g',
        'Yemas de Santa Teresa x12',
        'Carquiñolis 200 g',
        'Tarta de Santiago 500 g',
        'Mantecados de Canela 400 g',
        'Almendras Marcona Fritas 200 g',
        'Rosquillas de Anís 250 g',
      ],
    },
    {
      category: 'Vinos',
      description: 'Vinos de Rioja, Ribera, Rías Baixas y Jerez',
      code: 'VIN',
      priceRange: [6, 55],
      items: [
        'Rioja Crianza 750 ml',
        'Ribera del Duero Roble 750 ml',
        'Albariño Rías Baixas 750 ml',
        'Cava Brut Nature 750 ml',
        'Fino de Jerez 750 ml',
        'Priorat Tinto 750 ml',
        'Verdejo Rueda 750 ml',
        'Txakoli de Getaria 750 ml',
        'Pedro Ximénez 500 ml',
        'Garnacha de Calatayud 750 ml',
      ],
    },
    {
      category: 'Especias',
      description: 'Azafrán, pimentón y hierbas',
      code: 'ESP',
      priceRange: [2, 32],
      items: [
        'Azafrán de La Mancha 1 g',
        'Pimentón de la Vera Dulce 75 g',
        'Pimentón de la Vera Picante 75 g',
        'Sal en Escamas 250 g',
        'Orégano Silvestre 40 g',
        'Comino Molido 100 g',
        'Tomillo de Montaña 30 g',
        'Ñora Seca 50 g',
        'Pimienta Negra en Grano 100 g',
        'Laurel Seco 20 g',
      ],
    },
  ],
};

const LOREM = [
  'Producción artesanal en lotes pequeños.',
  'Ideal para regalar.',
  'Directo del productor.',
  'Receta tradicional de la región.',
  'Envase reciclable.',
  'Edición de temporada.',
];

function asciiSlug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

function roundPrice(rng: Rng, [min, max]: readonly [number, number], currency: string): number {
  const raw = min + rng.next() * (max - min);
  // Shop prices end in .00/.50 (MXN) or .x5/.x9 (EUR): realistic, and still two decimals.
  if (currency === 'MXN') return Math.round(raw * 2) / 2;
  return fromCents(Math.floor(raw * 10) * 10 + rng.pick([5, 9]));
}

function seedStore(rng: Rng, used: Set<string>, seed: StoreSeed, storeAgeDays: number): StoreData {
  const store: Store = {
    id: mintId(rng, used, 'str'),
    name: seed.name,
    currency: seed.currency,
    country: seed.country,
    timezone: seed.timezone,
    url: seed.url,
    created_at: iso(before(rng, storeAgeDays)),
  };
  const data: StoreData = { store, products: new Map(), categories: new Map(), inventory: new Map(), customers: new Map(), orders: new Map() };

  const categoryIds: string[] = [];
  for (const [i, entry] of seed.catalog.entries()) {
    const id = mintId(rng, used, 'cat');
    categoryIds.push(id);
    data.categories.set(id, {
      id,
      name: entry.category,
      description: i % 3 === 2 ? null : entry.description,
      created_at: iso(before(rng, storeAgeDays - 5 - i)),
    });
  }

  let skuNumber = 1;
  for (const [c, entry] of seed.catalog.entries()) {
    for (const [i, name] of entry.items.entries()) {
      const id = mintId(rng, used, 'prd');
      const createdMs = before(rng, rng.int(20, 360));
      const updatedMs = Math.min(SEED_EPOCH_MS - 1000, createdMs + rng.int(0, 30) * DAY_MS);
      // Mostly active; a draft and an archived product in every category so each filter has hits.
      const status: ProductStatus = i === 3 ? 'draft' : i === 7 ? 'archived' : rng.next() < 0.08 ? 'draft' : 'active';
      const price = roundPrice(rng, entry.priceRange, seed.currency);
      const onSale = rng.next() < 0.2;
      const sku = status === 'draft' && rng.next() < 0.5 ? null : `${seed.skuPrefix}-${entry.code}-${String(skuNumber++).padStart(4, '0')}`;
      data.products.set(id, {
        id,
        name,
        description: rng.next() < 0.15 ? null : `${name}. ${rng.pick(LOREM)}`,
        sku,
        price,
        compare_at_price: onSale ? fromCents(toCents(price) * 1.25) : null,
        currency: seed.currency,
        status,
        // A few products were never filed under a category, as in real stores.
        category_id: i === entry.items.length - 1 && c % 2 === 0 ? null : categoryIds[c]!,
        created_at: iso(createdMs),
        updated_at: iso(updatedMs),
      });
      data.inventory.set(id, { product_id: id, sku, quantity: status === 'archived' ? 0 : rng.int(0, 240), updated_at: iso(updatedMs) });
    }
  }

  const emails = new Set<string>();
  for (let i = 0; i < 120; i++) {
    const id = mintId(rng, used, 'cus');
    const first = rng.pick(seed.firstNames);
    const last = rng.pick(seed.lastNames);
    const last2 = rng.pick(seed.lastNames);
    let email = `${asciiSlug(first)}.${asciiSlug(last)}@${seed.emailDomain}`;
    for (let n = 2; emails.has(email); n++) email = `${asciiSlug(first)}.${asciiSlug(last)}${n}@${seed.emailDomain}`;
    emails.add(email);
    data.customers.set(id, {
      id,
      name: `${first} ${last} ${last2}`,
      email,
      phone: rng.next() < 0.25 ? null : `${seed.phonePrefix} ${rng.int(1000, 9999)} ${rng.int(1000, 9999)}`,
      currency: seed.currency,
      created_at: iso(before(rng, rng.int(60, 400))),
    });
  }

  seedOrders(rng, used, seed, data);
  return data;
}

/** Status and payment pairs that happen in a real shop, weighted by how often. */
const ORDER_OUTCOMES: readonly (readonly [OrderStatus, PaymentStatus, number])[] = [
  ['pending', 'pending', 6],
  ['pending', 'failed', 3],
  ['confirmed', 'paid', 6],
  ['confirmed', 'pending', 2], // cash on delivery
  ['in_progress', 'paid', 6],
  ['in_progress', 'pending', 1],
  ['completed', 'paid', 30],
  ['cancelled', 'pending', 3],
  ['cancelled', 'failed', 2],
  ['cancelled', 'refunded', 3],
  ['returned', 'refunded', 4],
];

function pickOutcome(rng: Rng, index: number): readonly [OrderStatus, PaymentStatus, number] {
  // The first orders walk through every pair once, so each status and payment status is present.
  if (index < ORDER_OUTCOMES.length) return ORDER_OUTCOMES[index]!;
  const totalWeight = ORDER_OUTCOMES.reduce((sum, o) => sum + o[2], 0);
  let roll = rng.next() * totalWeight;
  for (const outcome of ORDER_OUTCOMES) {
    roll -= outcome[2];
    if (roll < 0) return outcome;
  }
  return ORDER_OUTCOMES[0]!;
}

function seedOrders(rng: Rng, used: Set<string>, seed: StoreSeed, data: StoreData): void {
  // Drafts were never sold; archived products were, before they were retired.
  const sellable = [...data.products.values()].filter((p) => p.status !== 'draft');
  const customers = [...data.customers.values()];
  const drafts: Omit<Order, 'number'>[] = [];
  for (let i = 0; i < 240; i++) {
    const [status, payment_status] = pickOutcome(rng, i);
    const customer = rng.pick(customers);
    const customerCreated = Date.parse(customer.created_at);
    // Open orders are recent; finished ones spread over the last half year, after the customer signed up.
    const ageDays = status === 'pending' || status === 'confirmed' || status === 'in_progress' ? rng.int(0, 6) : rng.int(7, 180);
    const createdMs = Math.max(customerCreated + DAY_MS, before(rng, ageDays));
    const updatedMs = status === 'pending' ? createdMs : Math.min(SEED_EPOCH_MS - 1000, createdMs + rng.int(1, 72) * 3_600_000);
    const lines = rng.int(1, 4);
    const chosen = new Set<Product>();
    while (chosen.size < lines) chosen.add(rng.pick(sellable));
    let subtotalCents = 0;
    const items: OrderItem[] = [...chosen].map((product) => {
      const quantity = rng.int(1, 3);
      const unitCents = toCents(product.price);
      subtotalCents += unitCents * quantity;
      return { product_id: product.id, name: product.name, quantity, unit_price: fromCents(unitCents), total: fromCents(unitCents * quantity) };
    });
    const shippingCents = toCents(rng.pick(seed.shipping));
    drafts.push({
      id: mintId(rng, used, 'ord'),
      customer_id: customer.id,
      customer_name: customer.name,
      status,
      payment_status,
      currency: seed.currency,
      items,
      subtotal: fromCents(subtotalCents),
      shipping: fromCents(shippingCents),
      total: fromCents(subtotalCents + shippingCents),
      created_at: iso(createdMs),
      updated_at: iso(updatedMs),
    });
  }
  // Order numbers count up with time, as a shop's numbering does.
  drafts.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  for (const [i, { id, ...rest }] of drafts.entries()) data.orders.set(id, { id, number: 1001 + i, ...rest });
}

/**
 * The sandbox's world at the seed epoch: one merchant, two stores (MXN and EUR).
 * Deterministic: every call returns deep-equal data.
 */
export function createSeedData(): SandboxData {
  const rng = createRng(SEED);
  const used = new Set<string>();
  const merchant: Merchant = { id: mintId(rng, used, 'usr'), name: 'Mariana López Fuentes', email: 'mariana.lopez@example.mx' };
  const mx = seedStore(rng, used, MX, 900);
  const es = seedStore(rng, used, ES, 420);
  return {
    merchant,
    stores: [mx.store, es.store],
    byStore: new Map([mx, es].map((d) => [d.store.id, d])),
    idState: rng.state(),
    usedIds: used,
  };
}

/** A category as API v1 shows it, with its live product count. */
export function categoryView(data: StoreData, category: CategoryRecord): Category {
  let product_count = 0;
  for (const product of data.products.values()) if (product.category_id === category.id) product_count++;
  return { ...category, product_count };
}

/**
 * A customer as API v1 shows it. `orders_count` counts every order; `total_spent` sums the
 * totals of paid orders only (refunded and unpaid money was never spent).
 */
export function customerView(data: StoreData, customer: CustomerRecord): Customer {
  let orders_count = 0;
  let spentCents = 0;
  for (const order of data.orders.values()) {
    if (order.customer_id !== customer.id) continue;
    orders_count++;
    if (order.payment_status === 'paid') spentCents += toCents(order.total);
  }
  return { ...customer, orders_count, total_spent: fromCents(spentCents) };
}
