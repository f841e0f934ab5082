/**
 * The sandbox's three stores, as data: names, places, catalogs and sizes. The seeding logic
 * that turns them into records is in ../data.ts. All three sell in Latin-American currencies
 * (MXN, DOP, COP), as Whatalo's merchants do.
 */

export interface CatalogSeed {
  category: string;
  description: string;
  code: string;
  items: readonly string[];
  /** In the store currency's major unit. */
  priceRange: readonly [number, number];
  /** Some products of this category come in variants of this type. */
  variants?: readonly [string, readonly string[]];
  /** Made to order: stock is not tracked. */
  madeToOrder?: boolean;
}

export interface StoreSeed {
  name: string;
  slug: string;
  description: string;
  currency: string;
  countryCode: string;
  country: string;
  timezone: string;
  customDomain: string | null;
  plan: string;
  ageDays: number;
  customers: number;
  orders: number;
  /** Orders are spread over this many days before the seed epoch. */
  orderDays: number;
  /** [city, province] pairs for shipping addresses. */
  places: readonly (readonly [string, string])[];
  /** Prices are multiples of this many minor units (50 = ends in .00 or .50). */
  moneyStep: number;
  skuPrefix: string;
  emailDomain: string;
  phonePrefix: string;
  firstNames: readonly string[];
  lastNames: readonly string[];
  shipping: readonly number[];
  catalog: readonly CatalogSeed[];
}

export const MX: StoreSeed = {
  name: 'La Milpa Mercado',
  slug: 'la-milpa-mercado',
  description: 'Despensa mexicana de pequeños productores, con envío a todo el país.',
  currency: 'MXN',
  countryCode: 'MX',
  country: 'México',
  timezone: 'America/Mexico_City',
  customDomain: 'lamilpa.example.mx',
  plan: 'Pro',
  ageDays: 900,
  customers: 140,
  orders: 540,
  orderDays: 240,
  places: [
    ['Ciudad de México', 'CDMX'],
    ['Guadalajara', 'Jalisco'],
    ['Monterrey', 'Nuevo León'],
    ['Puebla', 'Puebla'],
    ['Oaxaca de Juárez', 'Oaxaca'],
    ['Mérida', 'Yucatán'],
  ],
  moneyStep: 50,
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
      variants: ['Molienda', ['Grano', 'Molido fino', 'Molido medio']],
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
      variants: ['Color', ['Natural', 'Negro', 'Rojo barro']],
      madeToOrder: true,
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

export const DO: StoreSeed = {
  name: 'Colmado Doña Carmen',
  slug: 'colmado-dona-carmen',
  description: 'Sabores dominicanos: café, cacao, dulces criollos y ron, a domicilio en Santo Domingo y Santiago.',
  currency: 'DOP',
  countryCode: 'DO',
  country: 'República Dominicana',
  timezone: 'America/Santo_Domingo',
  customDomain: null,
  plan: 'Pro',
  ageDays: 520,
  customers: 60,
  orders: 150,
  orderDays: 150,
  places: [
    ['Santo Domingo', 'Distrito Nacional'],
    ['Santiago de los Caballeros', 'Santiago'],
    ['La Romana', 'La Romana'],
    ['Puerto Plata', 'Puerto Plata'],
  ],
  moneyStep: 2500,
  skuPrefix: 'DO',
  emailDomain: 'example.do',
  phonePrefix: '+1 809',
  firstNames: ['Carmen', 'Rafael', 'Yohanna', 'Juan Carlos', 'Altagracia', 'Ramón', 'Yudelka', 'Franklin', 'Mercedes', 'Wilson', 'Dahiana', 'Manuel'],
  lastNames: ['Rodríguez', 'Peña', 'Santana', 'Almonte', 'De la Cruz', 'Reyes', 'Batista', 'Féliz', 'Ureña', 'Guzmán', 'Polanco', 'Mejía'],
  shipping: [0, 150, 250],
  catalog: [
    {
      category: 'Café y cacao',
      description: 'Café de Jarabacoa y cacao de San Francisco de Macorís',
      code: 'CAF',
      priceRange: [250, 1200],
      variants: ['Presentación', ['Grano', 'Molido']],
      items: [
        'Café Jarabacoa 454 g',
        'Café Barahona Molido 227 g',
        'Cacao en Bolitas x6',
        'Chocolate de Taza 250 g',
        'Café Orgánico Ocoa 454 g',
        'Nibs de Cacao 200 g',
      ],
    },
    {
      category: 'Dulces criollos',
      description: 'Dulces de leche, coco y frutas hechos a mano',
      code: 'DUL',
      priceRange: [75, 600],
      items: ['Dulce de Leche Cortada 500 g', 'Jalao de Coco x10', 'Habichuelas con Dulce 1 L', 'Dulce de Batata 400 g', 'Majarete 250 g', 'Raspadura 300 g'],
    },
    {
      category: 'Ron y bebidas',
      description: 'Ron, mamajuana y refrescos criollos',
      code: 'BEB',
      priceRange: [350, 2800],
      items: ['Ron Añejo 7 Años 750 ml', 'Mamajuana Preparada 750 ml', 'Morir Soñando Mix 500 g', 'Ron Blanco 1 L', 'Jugo de Chinola 1 L'],
    },
    {
      category: 'Despensa',
      description: 'Casabe, víveres secos y sazones',
      code: 'DES',
      priceRange: [60, 450],
      items: [
        'Casabe de Monte Plata x4',
        'Sazón Criollo 250 g',
        'Arroz Selecto 5 lb',
        'Habichuelas Rojas 1 lb',
        'Orégano Dominicano 40 g',
        'Harina de Plátano 500 g',
      ],
    },
  ],
};

export const CO: StoreSeed = {
  name: 'Tostadores del Quindío',
  slug: 'tostadores-del-quindio',
  description: 'Café de origen del Eje Cafetero, tostado cada semana en Armenia.',
  currency: 'COP',
  countryCode: 'CO',
  country: 'Colombia',
  timezone: 'America/Bogota',
  customDomain: null,
  // The plan without "Control de Inventario" and discounts: the sandbox's FEATURE_ACCESS_DENIED.
  plan: 'Emprendedor',
  ageDays: 200,
  customers: 30,
  orders: 60,
  orderDays: 90,
  places: [
    ['Armenia', 'Quindío'],
    ['Bogotá', 'Cundinamarca'],
    ['Medellín', 'Antioquia'],
    ['Cali', 'Valle del Cauca'],
  ],
  // Colombian prices are whole pesos, in steps of 500.
  moneyStep: 50000,
  skuPrefix: 'CO',
  emailDomain: 'example.co',
  phonePrefix: '+57 31',
  firstNames: ['Andrés', 'Valentina', 'Santiago', 'Mariana', 'Juan Pablo', 'Laura', 'Sebastián', 'Natalia', 'Camilo', 'Daniela'],
  lastNames: ['Gómez', 'Restrepo', 'Ospina', 'Giraldo', 'Cardona', 'Londoño', 'Arango', 'Quintero', 'Zapata', 'Henao'],
  shipping: [0, 9000, 15000],
  catalog: [
    {
      category: 'Café de origen',
      description: 'Cafés especiales de una sola finca',
      code: 'ORI',
      priceRange: [28000, 95000],
      variants: ['Molienda', ['Grano', 'Molido para filtro', 'Molido para espresso']],
      items: [
        'Café Filandia Lavado 500 g',
        'Café Salento Honey 250 g',
        'Café Génova Natural 500 g',
        'Café Pijao Geisha 250 g',
        'Café Buenavista 1 kg',
        'Café Descafeinado Quindío 250 g',
      ],
    },
    {
      category: 'Accesorios',
      description: 'Métodos de preparación y molinos',
      code: 'ACC',
      priceRange: [35000, 420000],
      items: ['Prensa Francesa 600 ml', 'Filtros de Papel x100', 'Molino Manual de Cerámica', 'Chemex 6 Tazas', 'Balanza de Barista'],
    },
    {
      category: 'Panela y dulces',
      description: 'Panela, arequipe y dulces del Eje',
      code: 'DUL',
      priceRange: [6000, 38000],
      items: ['Panela Pulverizada 500 g', 'Arequipe 250 g', 'Obleas con Arequipe x6', 'Bocadillo Veleño x12', 'Cocadas de Panela x10'],
    },
  ],
};
