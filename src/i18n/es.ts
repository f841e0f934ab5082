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

  // CLI and sign-in pages
  'cli.tagline': 'whatalo-mcp: conecta una tienda de Whatalo con apps de IA de escritorio mediante MCP',
  'cli.usage': 'Uso: whatalo-mcp [comando] [opciones]     (sin comando = serve)',
  'cli.commands': 'Comandos:',
  'cli.moreHelp': 'Ejecuta `whatalo-mcp <comando> --help` para ver sus opciones.',
  'cli.usageLabel': 'Uso:',
  'cli.unknownCommand': (p: { command: string }) => `no existe el comando "${p.command}". Ejecuta \`whatalo-mcp --help\` para ver la lista.`,
  'cli.unknownOption': (p: { option: string }) => `No existe la opción '${p.option}'. Ejecuta \`whatalo-mcp <comando> --help\` para ver sus opciones.`,
  'cli.missingValue': (p: { option: string }) => `la opción "${p.option}" necesita un valor.`,
  'cli.unexpectedArgument': (p: { arg: string }) => `argumento inesperado "${p.arg}"`,
  'cli.unexpectedError': 'error inesperado (por favor, repórtalo)',
  'cli.unknownReason': 'motivo desconocido',
  'cli.summary.login': 'Inicia sesión en Whatalo en el navegador y guarda el permiso en el almacén de credenciales',
  'cli.summary.logout': 'Revoca el permiso de Whatalo y lo quita del almacén de credenciales',
  'cli.summary.status': 'Muestra si iniciaste sesión, en qué tienda y con qué permisos',
  'cli.summary.call': 'Ejecuta una herramienta e imprime su resultado como JSON (para scripts)',
  'cli.summary.tools': 'Lista las herramientas, el permiso que necesita cada una y cuáles solo leen',
  'login.timeoutInvalid': (p: { raw: string }) => `--timeout debe ser un número entero de segundos entre 1 y 3600 (se recibió "${p.raw}")`,
  'login.signedIn': (p: { merchant: string; store: string }) => `Iniciaste sesión en Whatalo como ${p.merchant} en la tienda ${p.store}.`,
  'login.signedInRemote': (p: { resource: string; issuer: string }) =>
    `Iniciaste sesión para el servidor MCP en ${p.resource} (servidor de autorización ${p.issuer}).`,
  'login.scopes': (p: { scopes: string }) => `Permisos: ${p.scopes}`,
  'login.serverDefault': '(los predeterminados del servidor)',
  'login.keptIn': (p: { store: string }) => `Las credenciales se guardan en ${p.store}.`,
  'logout.notSignedOut': (p: { problem: string }) => `No se cerró la sesión: ${p.problem}.`,
  'logout.unreadable': 'no se pudieron leer las credenciales guardadas',
  'logout.notSignedIn': (p: { issuer: string }) => `No has iniciado sesión en Whatalo en ${p.issuer}; no hay sesión que cerrar.`,
  'logout.notSignedInRemote': (p: { url: string }) => `No has iniciado sesión para el servidor MCP en ${p.url}; no hay sesión que cerrar.`,
  'logout.revoked': (p: { store: string }) => `Sesión cerrada: los tokens se revocaron en Whatalo y se quitaron de ${p.store}.`,
  'logout.revokedRemote': (p: { store: string }) => `Sesión cerrada: los tokens se revocaron en su servidor de autorización y se quitaron de ${p.store}.`,
  'logout.localOnly': (p: { store: string; problem: string }) =>
    `Sesión cerrada aquí: los tokens se quitaron de ${p.store}, pero la revocación no llegó a Whatalo (${p.problem}).\n` +
    'Dejan de funcionar cuando caducan; para terminarlos ya, desconecta la app en Apps conectadas, en la configuración de Whatalo.',
  'status.notSignedIn': (p: { issuer: string }) => `No has iniciado sesión en Whatalo en ${p.issuer}.`,
  'status.notSignedInRemote': (p: { resource: string; issuer: string }) =>
    `No has iniciado sesión para el servidor MCP en ${p.resource} (servidor de autorización ${p.issuer}).`,
  'status.credentialStore': (p: { store: string }) => `Almacén de credenciales: ${p.store}`,
  'status.signedIn': (p: { issuer: string }) => `Sesión iniciada en Whatalo en ${p.issuer}`,
  'status.signedInRemote': (p: { resource: string }) => `Sesión iniciada para el servidor MCP en ${p.resource}`,
  'status.label.store': 'tienda',
  'status.label.merchant': 'comerciante',
  'status.label.scopes': 'permisos',
  'status.label.token': 'token de acceso',
  'status.label.credentialStore': 'almacén de credenciales',
  'status.label.issuer': 'servidor de autorización',
  'status.expires': (p: { when: string }) => `caduca ${p.when} (se renueva solo)`,
  'status.unknownTime': 'en un momento desconocido',
  'call.nameTool': 'indica la herramienta que quieres ejecutar, p. ej. `whatalo-mcp call get_store`; `whatalo-mcp tools` las lista',
  'call.badJson': (p: { reason: string }) => `los argumentos no son JSON válido (${p.reason}); pasa un objeto JSON, p. ej. '{"product_id":"prd_…"}'`,
  'call.notObject': (p: { got: string }) => `los argumentos deben ser un objeto JSON, p. ej. '{"limit":5}' (se recibió ${p.got})`,
  'call.anArray': 'una lista',
  'call.argumentsDontFit': (p: { tool: string; problems: string }) => `los argumentos no sirven para ${p.tool}: ${p.problems}`,
  'call.readOnly': (p: { tool: string }) =>
    `"${p.tool}" cambia datos, y el modo de solo lectura (--read-only o WHATALO_READ_ONLY) desactiva todas las herramientas que lo hacen; ` +
    `quítalo para ejecutar ${p.tool}`,
  'call.noSuchTool': (p: { tool: string; enabled: string }) => `la herramienta "${p.tool}" no está activada; las activadas son ${p.enabled}`,
  'call.failed': 'la herramienta falló',
  'tools.readOnly': 'solo lectura',
  'tools.destructive': 'destructiva',
  'tools.writes': 'escribe',
  'tools.signInAsks': (p: { scopes: string }) => `El inicio de sesión pide: ${p.scopes}`,
  'tools.fromFlag': ' (de --scopes o WHATALO_SCOPES)',
  'tools.writeLater': 'Los permisos de escritura se piden la primera vez que se ejecuta una herramienta que los necesita.',
  'signin.waiting': 'Esperando a que apruebes el acceso en el navegador…',
  'signin.stored': 'Whatalo aprobó el inicio de sesión; el permiso quedó guardado.',
  'signin.otherProcess': 'Otro whatalo-mcp está iniciando sesión en Whatalo; esperando a que termine…',
  'signin.notCompleted': 'No se pudo completar el inicio de sesión.',
  'signin.sandboxIncomplete': (p: { status: number; path: string }) => `El inicio de sesión en el sandbox no se completó (HTTP ${p.status} de ${p.path}).`,
  'error.signInHint': 'Ejecuta `whatalo-mcp login` para volver a iniciar sesión.',
  'error.firstSignInHint': 'Ejecuta `whatalo-mcp login` para iniciar sesión.',
  'error.notSignedIn': 'No has iniciado sesión en Whatalo.',
  'error.revoked': 'El acceso a Whatalo se revocó o caducó.',
  'error.expired': 'El acceso a Whatalo caducó y no se puede renovar.',
  'error.clientExpired': 'El registro de esta app en Whatalo caducó; se registra de nuevo en el próximo inicio de sesión.',
  'error.denied':
    'Rechazaste el acceso en la página de consentimiento de Whatalo, así que no se guardó nada. Si quieres conectar tu tienda, vuelve a usar ' +
    'la herramienta (o ejecuta `whatalo-mcp login`) y elige Aprobar.',
  'error.storeMismatch': (p: { wanted: string; granted: string }) =>
    `El inicio de sesión se aprobó para la tienda ${p.granted}, pero whatalo-mcp está conectado a la tienda ${p.wanted}. No se cambió nada: ` +
    `el permiso para ${p.granted} se revocó, el de ${p.wanted} se conserva y no se ejecutó nada.`,
  'error.storeMismatchHint':
    'Para cambiar de tienda a propósito, ejecuta `whatalo-mcp logout` y luego `whatalo-mcp login` y elige la otra tienda ' +
    '(o `whatalo-mcp login --switch-store`).',
  'error.apiRevoked': (p: { said: string }) => `Whatalo ya no acepta este inicio de sesión (el acceso se revocó o caducó)${p.said}`,
  'error.notInPlan': (p: { storeId: string; feature: string; said: string }) =>
    `El plan de la tienda ${p.storeId} no incluye ${p.feature}, así que Whatalo rechazó la solicitud${p.said}`,
  'error.notInPlanHint': 'Mejora el plan de la tienda en la configuración de Whatalo para usarlo.',
  'error.aFeature': 'esta función',
  'error.missingScope': (p: { storeId: string; scope: string; said: string }) =>
    `Whatalo rechazó la solicitud: el inicio de sesión de la tienda ${p.storeId} no tiene el permiso ${p.scope}${p.said}`,
  'error.missingSomeScope': (p: { storeId: string; said: string }) =>
    `Whatalo rechazó la solicitud: el inicio de sesión de la tienda ${p.storeId} no tiene un permiso que esto necesita${p.said}`,
  'error.missingScopeHint': 'Vuelve a iniciar sesión y aprueba el permiso (`whatalo-mcp login`).',
  'error.notFound': (p: { type: string; id: string; storeId: string }) => `No se encontró ${subjectEs(p.type)} '${p.id}' en la tienda ${p.storeId}`,
  'error.recordNotFound': (p: { storeId: string }) => `No se encontró el registro solicitado en la tienda ${p.storeId}`,
  'error.rateLimited': (p: { storeId: string }) => `Se alcanzó el límite de solicitudes de Whatalo para la tienda ${p.storeId}.`,
  'error.rateLimitedFor': (p: { storeId: string; seconds: number }) =>
    `Se alcanzó el límite de solicitudes de Whatalo para la tienda ${p.storeId}; se restablece en ${p.seconds} s.`,
  'error.scopeNotGranted': (p: { scope: string }) => `El acceso a Whatalo no incluye el permiso "${p.scope}"; no se concedió al iniciar sesión.`,
  'error.scopeNotGrantedHint': (p: { command: string }) => `Ejecuta \`${p.command}\` y apruébalo.`,
  'error.toolNeeds': (p: { tool: string; scope: string }) => `${p.tool} necesita ${p.scope}`,
  'signin.timeout': (p: { seconds: number }) => `El inicio de sesión no se completó en ${p.seconds} segundos.`,
  'signin.timeoutHint':
    'Vuelve a iniciar sesión y termínalo en el navegador, o date más tiempo ' +
    '(`whatalo-mcp login --timeout SEGUNDOS`, o WHATALO_LOGIN_TIMEOUT para el servidor).',
  'signin.cancelled': 'Se canceló el inicio de sesión.',
  'usage.login':
    '  --timeout  cuántos segundos esperar al navegador (predeterminado 300, o WHATALO_LOGIN_TIMEOUT)\n' +
    '  --paste    no escuchar al navegador; pega en su lugar la dirección en la que termina\n' +
    '             (para equipos cuyo navegador no puede llegar a este)\n' +
    '  --switch-store  con la sesión ya iniciada: permite elegir otra tienda (sin esto, solo la misma)\n' +
    '  --issuer, --api-base  reemplazan WHATALO_ISSUER, WHATALO_API_BASE\n' +
    '  --resource URL  el identificador de recurso de la API para el que se piden los tokens (WHATALO_RESOURCE;\n' +
    '             predeterminado: el origen de la base de la API, https://api.whatalo.com)\n' +
    '  --remote URL  el permiso para este servidor MCP remoto (como lo usa serve --remote; WHATALO_REMOTE_URL)',
  'usage.account':
    '  --issuer, --api-base  reemplazan WHATALO_ISSUER, WHATALO_API_BASE\n' +
    '  --resource URL  reemplaza WHATALO_RESOURCE (predeterminado: el origen de la base de la API)\n' +
    '  --remote URL  el permiso para este servidor MCP remoto (como lo usa serve --remote; WHATALO_REMOTE_URL)',
  'usage.statusJson':
    '  --json  imprime un objeto JSON en stdout (signed_in, store_id, store_name, merchant,\n' +
    '          merchant_name, scopes, expires_at, credential_store, issuer, resource)',
  'usage.statusExit': 'Código de salida: 0 con la sesión iniciada, 1 sin ella.',
  'usage.call':
    'Imprime el structuredContent de la herramienta como JSON en stdout. Sale con 1 cuando la herramienta falla\n' +
    '(el mensaje va a stderr) y con 2 si el uso es incorrecto. Ejecuta `whatalo-mcp tools` para ver los nombres.',
  'usage.tools':
    '  --json          un objeto JSON en stdout: {"tools": [...], "initial_scopes": [...], "required_scopes": [...]}\n' +
    '  --read-only     como las registraría serve --read-only\n' +
    '  --toolsets a,b  como las registraría serve --toolsets',
  'signin.pasteAfter': (p: { redirectUri: string }) =>
    `Después de aprobar, el navegador no puede abrir ${p.redirectUri}… y muestra una página de error.\nCopia la dirección completa de su barra ` +
    'de direcciones y pégala aquí; luego presiona Enter:\n',
  'error.invalidArguments': (p: { tool: string; problems: string }) => `Argumentos no válidos para ${p.tool}: ${p.problems}.`,
  'error.refusedValues': (p: { listed: string }) => `Whatalo rechazó los valores: ${p.listed}.`,
  'error.unexpectedAnswer': (p: { method: string; path: string; requestId: string; tool: string }) =>
    `La API de Whatalo respondió a ${p.method} ${p.path} con algo inesperado (id de solicitud ${p.requestId}), así que ${p.tool} no pudo usarlo; ` +
    'los detalles están en el registro de whatalo-mcp.',
  'error.noRequestId': 'no indicado',
  'error.internal': (p: { tool: string }) => `${p.tool} falló por un error interno de whatalo-mcp; los detalles están en su registro.`,
  'signin.interference': (p: { count: number }) =>
    `Alguien está interfiriendo con el inicio de sesión: ${p.count} solicitudes a su dirección de retorno en este equipo no le pertenecían. No se guardó nada.`,
  'signin.interferenceHint':
    'Vuelve a iniciar sesión; si se repite, busca un programa o una página web en este equipo que esté llamando una y otra vez a 127.0.0.1.',
  'login.memoryStore': 'login no puede guardar un inicio de sesión en el almacén de credenciales en memoria: se olvida cuando termina el comando.',
  'login.memoryStoreHint':
    'Usa WHATALO_CREDENTIAL_STORE=keychain (el llavero del sistema, el predeterminado) o WHATALO_CREDENTIAL_STORE=file ' +
    'con WHATALO_CREDENTIAL_KEY (un archivo cifrado en el directorio de configuración).',

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
  // Tool results and confirmations
  'tool.noun.products': 'productos',
  'tool.noun.orders': 'pedidos',
  'tool.noun.customers': 'clientes',
  'tool.noun.categories': 'categorías',
  'tool.noun.discounts': 'códigos de descuento',
  'tool.page.empty': (p: { noun: string }) => `No se encontraron ${p.noun}.`,
  'tool.page.pastEnd': (p: { noun: string; total: number }) => `No hay más ${p.noun}: esta página está después del final (${p.total} en total).`,
  'tool.page.showing': (p: { noun: string; first: number; last: number; total: number; more: boolean }) =>
    `Mostrando ${p.noun} ${p.first}–${p.last} de ${p.total}.${p.more ? ' Hay más con next_cursor.' : ''}`,
  'tool.pricesIn': (p: { currency: string }) => ` Precios en ${p.currency}.`,
  'tool.count.products': (p: { count: number; status: 'all' | 'active' | 'inactive' }, f: Formatter) =>
    `La tienda tiene ${f.number(p.count)} ${f.plural(p.count, { one: 'producto', other: 'productos' })}` +
    (p.status === 'all' ? '' : ` ${f.plural(p.count, p.status === 'active' ? { one: 'activo', other: 'activos' } : { one: 'inactivo', other: 'inactivos' })}`) +
    '.',
  'tool.count.orders': (p: { count: number; statuses: string[] }, f: Formatter) =>
    `La tienda tiene ${f.number(p.count)} ${f.plural(p.count, { one: 'pedido', other: 'pedidos' })}` +
    `${p.statuses.length ? ` en estado ${p.statuses.join(' o ')}` : ''}.`,
  'tool.count.customers': (p: { count: number }, f: Formatter) =>
    `La tienda tiene ${f.number(p.count)} ${f.plural(p.count, { one: 'cliente', other: 'clientes' })}.`,
  'tool.store': (p: { name: string; id: string; currency: string; timezone?: string | null; url?: string | null }) =>
    `Tienda ${p.name} (${p.id}), precios en ${p.currency}${p.timezone ? `, zona horaria ${p.timezone}` : ''}${p.url ? `, en ${p.url}` : ''}.`,
  'tool.product': (p: { label: string; id: string; price: string; visible: boolean; stock?: number; variants: number }, f: Formatter) =>
    `${p.label} (${p.id}): ${p.price}, ${p.visible ? 'visible' : 'oculto'}${p.stock === undefined ? '' : `, ${f.number(p.stock)} en existencia`}` +
    `${p.variants ? `, ${p.variants} ${f.plural(p.variants, { one: 'variante', other: 'variantes' })}` : ''}.`,
  'tool.order.label': (p: { number: number; customer?: string | null; total: string }) =>
    `pedido #${p.number}${p.customer ? ` de ${p.customer}` : ''} (${p.total})`,
  'tool.order': (p: { label: string; id: string; status: string; payment: string; items: number }, f: Formatter) =>
    `${p.label} (${p.id}): ${p.status}, pago: ${p.payment}, ${p.items} ${f.plural(p.items, { one: 'artículo', other: 'artículos' })}.`,
  'tool.order.moved': (p: { label: string; status: string; payment: string }) => `${p.label} ahora está ${p.status}; pago: ${p.payment}.`,
  'tool.order.paymentMoved': (p: { label: string; payment: string }) => `El pago del ${p.label} ahora está ${p.payment}.`,
  'tool.confirm.option': 'Sí, hazlo',
  'tool.confirm.deleteProduct': (p: { label: string }) => `¿Eliminar ${p.label}? No se puede deshacer.`,
  'tool.confirm.deleteCategory': (p: { label: string }) => `¿Eliminar la categoría ${p.label}? Sus productos se quedan, sin categoría. No se puede deshacer.`,
  'tool.confirm.deleteDiscount': (p: { label: string }) => `¿Eliminar el descuento ${p.label}? No se puede deshacer.`,
  'tool.confirm.orderFinal': (p: { status: 'cancelled' | 'returned'; label: string }) =>
    `¿${p.status === 'cancelled' ? 'Cancelar el' : 'Marcar como devuelto el'} ${p.label}? No se puede deshacer.`,
  'tool.confirm.takeStock': (p: { count: number; name: string; reason: string; left: number }) =>
    `¿Sacar ${p.count} de ${p.name} del inventario (${p.reason})? Quedarían ${p.left}.`,
  'tool.kind.product': 'el producto',
  'tool.kind.category': 'la categoría',
  'tool.kind.discount': 'el descuento',
  'tool.notConfirmed.delete': (p: { kind: string; id: string }) => `No se cambió nada: el comerciante no confirmó eliminar ${p.kind} ${p.id}.`,
  'tool.notConfirmed.order': (p: { label: string; status: string }) => `No se cambió nada: el comerciante no confirmó; el ${p.label} sigue ${p.status}.`,
  'tool.notConfirmed.stock': (p: { id: string; stock: number }) =>
    `No se cambió nada: el comerciante no confirmó vaciar el inventario de ${p.id}; sigue en ${p.stock}.`,
  'tool.deleted': (p: { kind: string; id: string; deleted: boolean }) =>
    p.deleted ? `Se eliminó ${p.kind} ${p.id}.` : `Whatalo no eliminó ${p.kind} ${p.id}.`,
  'tool.customer': (p: { name: string; id: string; orders?: number; spent?: string }, f: Formatter) =>
    `${p.name} (${p.id})${p.orders === undefined ? '' : `: ${p.orders} ${f.plural(p.orders, { one: 'pedido', other: 'pedidos' })}`}` +
    `${p.spent ? `, ${p.spent} gastados` : ''}.`,
  'tool.customer.added': (p: { name: string; id: string }) => `Se agregó el cliente ${p.name} (${p.id}).`,
  'tool.updated': (p: { kind: string; label: string; id: string; fields: string[] }) =>
    `Se actualizó ${p.kind ? `${p.kind} ` : ''}${p.label} (${p.id}): ${p.fields.join(', ')}.`,
  'tool.kind.customer': 'el cliente',
  'tool.category': (p: { label: string; id: string }) => `Categoría ${p.label} (${p.id}).`,
  'tool.category.created': (p: { label: string; id: string }) => `Se creó la categoría ${p.label} (${p.id}).`,
  'tool.category.updated': (p: { label: string; id: string }) => `Se actualizó la categoría ${p.label} (${p.id}).`,
  'tool.category.noDescription': ' Las categorías de Whatalo no tienen descripción, así que la descripción no se guardó.',
  'tool.discount.percent': (p: { value: number }) => `${p.value} % de descuento`,
  'tool.discount.fixed': (p: { amount: string }) => `${p.amount} de descuento`,
  'tool.discount': (p: { label: string; id: string; value: string; usable: boolean }) =>
    `Descuento ${p.label} (${p.id}): ${p.value}${p.usable ? '' : ', no se puede usar ahora'}.`,
  'tool.discount.created': (p: { label: string; id: string; value: string }) => `Se creó el descuento ${p.label} (${p.id}): ${p.value}.`,
  'tool.discount.applies': (p: { code: string; amount: string; total: string }) => `El código ${p.code} aplica: ${p.amount} de descuento sobre ${p.total}.`,
  'tool.discount.doesNotApply': (p: { code: string; reason: string | null }) => `El código ${p.code} no aplica${p.reason ? `: ${p.reason}` : ''}.`,
  'tool.product.created': (p: { label: string; id: string; price: string; visible: boolean }) =>
    `Se creó ${p.label} (${p.id}) a ${p.price}, ${p.visible ? 'visible' : 'oculto'}.`,
  'tool.product.hidden': (p: { label: string; id: string }) => `${p.label} (${p.id}) está oculto en la tienda.`,
  'tool.stock': (p: { id: string; sku?: string | null; stock: number }) =>
    `El producto ${p.id}${p.sku ? ` (SKU ${p.sku})` : ''} tiene ${p.stock} en existencia.`,
  'tool.stock.variants': (p: { listed: string[]; more: number }) => ` Variantes: ${p.listed.join(', ')}${p.more ? ` y ${p.more} más` : ''}.`,
  'tool.stock.moved': (p: { id: string; before: number; after: number; delta: string; reason: string }) =>
    `Existencia de ${p.id}: ${p.before} → ${p.after} (${p.delta}, ${p.reason}).`,
  'tool.sales': (p: { orders: number; from: string; to: string; zone: string; revenue: string; average: string; best?: string }, f: Formatter) =>
    `${p.orders} ${f.plural(p.orders, { one: 'pedido pagado', other: 'pedidos pagados' })} del ${p.from} al ${p.to} (${p.zone}): ventas ${p.revenue}, ` +
    `promedio ${p.average}.${p.best ? ` El más vendido: ${p.best}.` : ''}`,
};

/** The record a 404 is about, with its article: the API client names it in English (`product`). */
function subjectEs(type: string): string {
  const known: Record<string, string> = {
    product: 'el producto',
    order: 'el pedido',
    customer: 'el cliente',
    category: 'la categoría',
    discount: 'el descuento',
    coupon: 'el cupón',
    variant: 'la variante',
    collection: 'la colección',
  };
  return known[type] ?? `el registro (${type})`;
}
