/** Spanish (Latin American usage: "tienda", "pedido", "iniciar sesión"). Same keys as en.ts. */
import type { Catalog } from './catalog.js';
import type { Formatter } from './format.js';

export const es: Catalog = {
  'page.neutral.title': 'Inicio de sesión en Whatalo',
  'page.neutral.body': 'Tu aplicación recibió la respuesta del inicio de sesión. Puedes cerrar esta pestaña y volver a tu aplicación.',
  'page.foreign.title': 'Este no es el inicio de sesión en curso',
  'page.foreign.body':
    'Esta dirección no pertenece al inicio de sesión que tu aplicación está esperando, así que se ignoró. ' +
    'Termina el inicio de sesión en la pestaña que abrió tu aplicación.',
  'page.used.title': 'Este enlace de inicio de sesión ya se usó',
  'page.used.body': 'Este enlace de inicio de sesión ya se usó. Si todavía no has iniciado sesión, vuelve a empezar desde tu aplicación.',
  'page.done.title': 'Conectado a Whatalo',
  'page.done.body': (p: { app: string; store: string; storeId: string }) =>
    `${p.app} ya puede trabajar con tu tienda ${p.store} (${p.storeId}). Puedes cerrar esta pestaña y volver a tu aplicación.`,
  'page.done.bodyNoStore': (p: { app: string }) => `${p.app} está conectado a tu tienda de Whatalo. Puedes cerrar esta pestaña y volver a tu aplicación.`,
  'page.denied.title': 'No se compartió nada',
  'page.denied.body': (p: { app: string }) =>
    `Rechazaste el acceso, así que ${p.app} no puede ver ni cambiar nada de tu tienda. ` +
    `Para conectarte más tarde, pide a tu aplicación que vuelva a usar una herramienta de Whatalo, o ejecuta "whatalo-mcp login".`,
  'page.failed.title': 'No se pudo iniciar sesión en Whatalo',
  'page.failed.body': (p: { reason: string }) => `${p.reason} Puedes cerrar esta pestaña y volver a iniciar sesión desde tu aplicación.`,
  'page.close': 'Puedes cerrar esta pestaña.',

  'count.tools': (p: { n: number }, f: Formatter) => f.plural(p.n, { one: `${f.number(p.n)} herramienta`, other: `${f.number(p.n)} herramientas` }),
  'count.products': (p: { n: number }, f: Formatter) => f.plural(p.n, { one: `${f.number(p.n)} producto`, other: `${f.number(p.n)} productos` }),
  'count.orders': (p: { n: number }, f: Formatter) => f.plural(p.n, { one: `${f.number(p.n)} pedido`, other: `${f.number(p.n)} pedidos` }),
};
