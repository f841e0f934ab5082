/**
 * The sandbox's HTML: one accessible layout with inline CSS only (the CSP allows nothing
 * external), and the error page shown wherever redirecting would be unsafe.
 * Every piece of reflected text passes through escapeHtml before it gets here.
 */
import type { ServerResponse } from 'node:http';
import { escapeHtml, sendHtml } from '../http.js';

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f3f4f6}
main{max-width:34rem;margin:2rem auto;padding:1.75rem;background:#fff;border:1px solid #d0d4da;border-radius:12px}
h1{font-size:1.35rem;line-height:1.3;margin:0 0 1rem}
h2{font-size:1rem;margin:1.25rem 0 .5rem}
p{margin:.5rem 0}
.badge{display:inline-block;font-size:.8rem;font-weight:600;padding:.1rem .5rem;border-radius:999px;background:#fff4ce;color:#5c4400;border:1px solid #e5c75c}
.note{color:#4a5361;font-size:.9rem}
ul.scopes{padding-left:1.25rem;margin:.25rem 0}
ul.scopes li{margin:.25rem 0}
code{font-size:.85em;color:#4a5361}
fieldset{border:1px solid #d0d4da;border-radius:8px;margin:1rem 0;padding:.5rem 1rem}
legend{font-weight:600;padding:0 .25rem}
label.store,label.scope{display:flex;gap:.6rem;align-items:center;padding:.45rem 0;cursor:pointer}
.store-meta{display:block;color:#4a5361;font-size:.85rem}
input[type=radio],input[type=checkbox]{width:1.1rem;height:1.1rem;margin:0;flex:none}
.error{background:#fde7e9;border:1px solid #d13438;color:#6e0811;border-radius:8px;padding:.6rem .8rem;margin:.75rem 0}
.actions{display:flex;gap:.75rem;margin-top:1.25rem}
button{font:inherit;font-weight:600;padding:.6rem 1.2rem;border-radius:8px;cursor:pointer;border:1px solid #1d4ed8}
button.primary{background:#1d4ed8;color:#fff}
button.secondary{background:#fff;color:#1d4ed8}
button:focus-visible,input:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{text-align:left;padding:.5rem .4rem;border-bottom:1px solid #e2e5e9;vertical-align:top}
`;

/** A complete page; `title` is plain text, `body` is already-escaped HTML. */
export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Whatalo sandbox</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p><span class="badge">Whatalo sandbox</span></p>
${body}
</main>
</body>
</html>`;
}

/**
 * An error page: never a redirect, so a bad link cannot bounce anyone to a foreign site.
 * `code` is the OAuth error (e.g. `invalid_redirect_uri`, CONTRACT A6), shown for the developer.
 */
export function sendErrorPage(res: ServerResponse, status: number, title: string, message: string, code?: string): void {
  const detail = code === undefined ? '' : `\n<p class="note">Error: <code id="error-code">${escapeHtml(code)}</code></p>`;
  const body = `<h1>${escapeHtml(title)}</h1>
<div class="error" role="alert"><p>${escapeHtml(message)}</p></div>${detail}
<p class="note">Close this window and start again from the app that sent you here.</p>`;
  sendHtml(res, status, layout(title, body));
}
