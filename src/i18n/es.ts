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

  // The sandbox's pages
  'sandbox.badge': 'Sandbox de Whatalo',
  'sandbox.pageTitle': (p: { title: string }) => `${p.title} · Sandbox de Whatalo`,
  'sandbox.error.codeLabel': 'Código de error:',
  'sandbox.error.startAgain': 'Cierra esta ventana y vuelve a empezar desde la aplicación que te trajo aquí.',
  'sandbox.error.badLink': 'Este enlace de inicio de sesión no es válido',
  'sandbox.error.noClientId': 'El enlace no indica ninguna aplicación (falta client_id).',
  'sandbox.error.manyClientIds': 'El enlace indica más de una aplicación.',
  'sandbox.error.unknownApp': 'Whatalo no conoce esta aplicación',
  'sandbox.error.appExpired': 'El registro de la aplicación venció. La aplicación debe registrarse de nuevo.',
  'sandbox.error.noSuchApp': (p: { clientId: string }) => `No hay ninguna aplicación registrada como "${p.clientId}".`,
  'sandbox.error.noRedirectUri': 'El enlace no indica adónde volver (falta redirect_uri).',
  'sandbox.error.manyRedirectUris': 'El enlace indica más de una dirección de regreso.',
  'sandbox.error.redirectNotRegistered':
    'La dirección de regreso no está registrada para esta aplicación tal como está escrita (con el puerto), así que Whatalo no te enviará allí.',
  'sandbox.error.formRefused': 'No se pudo aceptar este formulario',
  'sandbox.error.consentFormRefused': 'El formulario de autorización no se envió desde esta página, o ya se usó. No se aprobó nada.',
  'sandbox.error.settingsFormRefused': 'El formulario no se envió desde la página Aplicaciones conectadas, o ya se usó. No se desconectó nada.',
  'sandbox.error.expired': 'Este inicio de sesión venció',
  'sandbox.error.expiredBody': 'Pasó demasiado tiempo desde que la aplicación lo pidió. Vuelve a empezar desde la aplicación.',
  'sandbox.consent.title': (p: { app: string }) => `Autorizar a ${p.app}`,
  'sandbox.consent.heading': (p: { app: string }) => `${p.app} quiere acceder a tu tienda de Whatalo`,
  'sandbox.consent.signedInAs': (p: { merchant: string; email: string }) => `Sesión iniciada como ${p.merchant} (${p.email}).`,
  'sandbox.consent.noPassword': 'Esto es el sandbox: no se necesita contraseña.',
  'sandbox.consent.scopesHeading': 'Podrá:',
  'sandbox.consent.untick': 'Desmarca lo que no quieras permitir.',
  'sandbox.consent.storeLegend': 'Elige la única tienda que esta aplicación podrá usar',
  'sandbox.consent.after': (p: { host: string }) =>
    `Cuando decidas, volverás a la aplicación en ${p.host}. Puedes desconectarla más tarde en Aplicaciones conectadas.`,
  'sandbox.consent.approve': 'Aprobar',
  'sandbox.consent.deny': 'Rechazar',
  'sandbox.consent.chooseDecision': 'Elige Aprobar o Rechazar.',
  'sandbox.consent.hintedStoreOnly': 'Esta aplicación pidió acceso solo a la tienda de abajo.',
  'sandbox.consent.allowOne': 'Permite al menos un permiso, o elige Rechazar.',
  'sandbox.consent.notYourStore': 'Esa tienda no es tuya. Elige una de las tiendas de abajo.',
  'sandbox.consent.chooseStore': 'Elige una tienda antes de aprobar.',
  'sandbox.settings.title': 'Aplicaciones conectadas',
  'sandbox.settings.intro': (p: { merchant: string }) =>
    `Sesión iniciada como ${p.merchant}. Al desconectar una aplicación, su acceso a esa tienda termina de inmediato.`,
  'sandbox.settings.caption': 'Aplicaciones que ahora pueden actuar en tus tiendas',
  'sandbox.settings.colApp': 'Aplicación',
  'sandbox.settings.colStore': 'Tienda',
  'sandbox.settings.colAccess': 'Acceso',
  'sandbox.settings.colSince': 'Conectada',
  'sandbox.settings.colAction': 'Acción',
  'sandbox.settings.disconnect': 'Desconectar',
  'sandbox.settings.disconnectLabel': (p: { app: string; store: string }) => `Desconectar ${p.app} de ${p.store}`,
  'sandbox.settings.none': 'No hay aplicaciones conectadas.',
  'scope.read:products': 'Ver tus productos, categorías y precios',
  'scope.write:products': 'Crear, cambiar y eliminar productos y categorías',
  'scope.read:inventory': 'Ver las existencias',
  'scope.write:inventory': 'Cambiar las existencias',
  'scope.read:discounts': 'Ver tus códigos de descuento',
  'scope.write:discounts': 'Crear, cambiar y eliminar códigos de descuento',
  'scope.read:orders': 'Ver tus pedidos y ventas',
  'scope.write:orders': 'Cambiar el estado y el estado de pago de los pedidos',
  'scope.read:customers': 'Ver tus clientes y sus datos de contacto',
  'scope.write:customers': 'Agregar y cambiar clientes',
  'scope.read:store': 'Ver el nombre, la moneda y la configuración de tu tienda',
  'scope.write:store': 'Cambiar la configuración de tu tienda',
  'scope.read:analytics': 'Ver las estadísticas de tu tienda',
  'scope.read:webhooks': 'Ver tus webhooks',
  'scope.write:webhooks': 'Crear, cambiar y eliminar webhooks',

  // demo
  'demo.summary': 'Ejecuta todo el producto en el sandbox integrado: inicia sesión, sirve por stdio, llama herramientas',
  'demo.usage':
    'Inicia un Whatalo de prueba local (sin cuenta, sin red), inicia sesión en él, lanza\n' +
    '`whatalo-mcp serve` como lo haría una aplicación de escritorio, llama algunas herramientas\n' +
    'y muestra los resultados, y luego la entrada para claude_desktop_config.json. Donde se puede\n' +
    'mostrar un navegador, el inicio de sesión pasa por la página de autorización del sandbox;\n' +
    'si no (o con --no-browser), la tienda de demostración se aprueba automáticamente. No se\n' +
    'guarda nada al terminar.\n\n' +
    '  --no-browser   aprueba la tienda de demostración automáticamente aunque haya un navegador',
  'demo.running': (p: { issuer: string; merchant: string; stores: string }) =>
    `Sandbox de Whatalo en marcha en ${p.issuer} (comerciante ${p.merchant}, tiendas ${p.stores}).`,
  'demo.signingIn': 'Iniciando sesión: aprueba el acceso en la página de autorización que se abre en tu navegador (elige una tienda).',
  'demo.autoApproving': (p: { store: string; storeId: string }) =>
    `Aquí no hay navegador: se aprueba automáticamente la tienda de demostración "${p.store}" (${p.storeId}), como hace --auto-approve del sandbox.`,
  'demo.signedIn': (p: { store: string; scopes: string }) =>
    `Sesión iniciada en la tienda ${p.store} con ${p.scopes} (solo permisos de lectura: los de escritura se piden al usarlos por primera vez).`,
  'demo.launching': 'Iniciando `whatalo-mcp serve` por stdio, como lo hace una aplicación de escritorio…',
  'demo.connected': (p: { server: string; tools: string }) => `Conectado a ${p.server}: ${p.tools}.`,
  'demo.store': (p: { store: string; id: string; currency: string; timeZone: string }) =>
    `${p.store} (${p.id}), moneda ${p.currency}, zona horaria ${p.timeZone}`,
  'demo.products': 'primera página',
  'demo.moreProducts': '(hay más páginas con next_cursor)',
  'demo.orders': 'pedidos más recientes:',
  'demo.col.name': 'nombre',
  'demo.col.price': 'precio',
  'demo.col.visibility': 'visibilidad',
  'demo.col.customer': 'cliente',
  'demo.col.amount': 'importe',
  'demo.col.status': 'estado',
  'demo.col.payment': 'pago',
  'demo.col.date': 'fecha',
  'demo.shown': 'visible',
  'demo.hidden': 'oculto',
  'demo.status.pending': 'pendiente',
  'demo.status.confirmed': 'confirmado',
  'demo.status.in_progress': 'en preparación',
  'demo.status.completed': 'completado',
  'demo.status.cancelled': 'cancelado',
  'demo.status.returned': 'devuelto',
  'demo.payment.pending': 'pendiente',
  'demo.payment.paid': 'pagado',
  'demo.payment.refunded': 'reembolsado',
  'demo.payment.failed': 'fallido',
  'demo.toolFailed': (p: { tool: string; reason: string }) => `${p.tool} falló: ${p.reason}`,
  'demo.writeRan': 'una herramienta de escritura se ejecutó sin su permiso de escritura',
  'demo.writeWithReadGrant': 'con un permiso de solo lectura:',
  'demo.stepUp': (p: { scope: string }) =>
    `  el permiso solo incluye lectura, así que el servidor le pidió a Whatalo "${p.scope}": una aplicación real abriría\n` +
    '  ahora la página de autorización, y la llamada se haría cuando el comerciante la apruebe. No se cambió nada.',
  'demo.desktop':
    'Para usarlo desde Claude Desktop, agrega esto a claude_desktop_config.json (esta copia de whatalo-mcp,\n' +
    'ejecutada por este Node; agrega "--sandbox" a args para probarlo con la tienda del sandbox en lugar de la tuya):',
  'demo.afterInstall':
    'Después de `npm install -g .` (o de un tarball empaquetado), también funciona "command": "whatalo-mcp" con "args": [];\n' +
    '`npx -y whatalo-mcp` funciona cuando el paquete esté publicado en npm.',
};
