// Shared by record.mjs and check-aspect.mjs: Chromium flags, a loopback static server and
// browser start-up.
import { createServer } from 'node:http';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
export const mediapipeDir = dirname(require.resolve('@mediapipe/selfie_segmentation/package.json'));

// WebGL through ANGLE on SwiftShader (software), so that the solution's GPU graph runs on a
// machine without a GPU; a closed network and a throw-away profile.
export const CHROMIUM_FLAGS = [
  '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

// --- tiny static server on the loopback interface ---
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png' };
export function startServer(imagesDir) {
  const routes = [['/mediapipe/', mediapipeDir], ['/images/', imagesDir]];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    let file = null;
    if (path === '/' || path === '/page.html') file = join(here, 'page.html');
    for (const [prefix, dir] of routes) {
      if (path.startsWith(prefix) && !path.includes('..')) file = join(dir, path.slice(prefix.length));
    }
    try {
      if (!file) throw new Error('no route');
      const body = readFileSync(file);
      res.writeHead(200, { 'Content-Type': types[extname(file)] || 'application/octet-stream' });
      res.end(body);
    } catch (e) {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}


/** Starts Chromium with a throw-away profile; returns { context, close }. */
export async function startBrowser(executablePath) {
  const profile = mkdtempSync(join(tmpdir(), 'mediapipe-golden-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath, headless: true, args: CHROMIUM_FLAGS,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
