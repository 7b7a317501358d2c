// Records person masks from MediaPipe's own selfie segmentation runtime (the
// @mediapipe/selfie_segmentation JavaScript solution with its WASM runtime) in headless
// Chromium, and writes each mask as an 8-bit grayscale PNG at the image's own size.
//
// Usage: node record.mjs --images <dir> --out <dir> [--model 0|1] [--chromium /usr/bin/chromium]
//                        [--only name1,name2]
import { readFileSync, writeFileSync, readdirSync, mkdirSync, renameSync } from 'node:fs';
import { join, extname, basename, dirname, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { CHROMIUM_FLAGS, mediapipeDir, startBrowser, startServer } from './common.mjs';

const require = createRequire(import.meta.url);
const mediapipeVersion = JSON.parse(readFileSync(join(mediapipeDir, 'package.json'), 'utf8')).version;
const playwrightVersion = JSON.parse(
  readFileSync(join(dirname(require.resolve('playwright-core/package.json')), 'package.json'), 'utf8')).version;

function parseArgs(argv) {
  const args = { model: 0, chromium: '/usr/bin/chromium' };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const value = argv[i + 1];
    if (key === '--images') { args.images = value; i++; }
    else if (key === '--out') { args.out = value; i++; }
    else if (key === '--model') { args.model = Number(value); i++; }
    else if (key === '--chromium') { args.chromium = value; i++; }
    else if (key === '--only') { args.only = value.split(','); i++; }
    else throw new Error('unknown argument ' + key);
  }
  if (!args.images || !args.out) throw new Error('need --images <dir> and --out <dir>');
  if (args.model !== 0 && args.model !== 1) throw new Error('--model must be 0 or 1');
  return args;
}

// --- PNG (8-bit grayscale, no interlace), written by hand to keep the tool dependency-free ---
const crcTable = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function grayPng(width, height, gray) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: grayscale
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width + 1);
    raw[row] = 1; // filter: Sub
    for (let x = 0; x < width; x++) {
      const v = gray[y * width + x];
      raw[row + 1 + x] = (v - (x > 0 ? gray[y * width + x - 1] : 0)) & 0xff;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const imagesDir = resolve(args.images);
  let names = readdirSync(imagesDir).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  if (args.only) names = names.filter((f) => args.only.includes(basename(f, extname(f))));
  if (names.length === 0) throw new Error('no images found in ' + imagesDir);
  mkdirSync(args.out, { recursive: true });

  const server = await startServer(imagesDir);
  const port = server.address().port;
  const { context: browser, close: closeBrowser } = await startBrowser(args.chromium);
  const browserVersion = browser.browser() ? browser.browser().version() : await versionOf(browser);
  const records = [];
  let renderer;
  let independence = null;
  try {
    const page = await browser.newPage();
    page.on('console', (m) => { if (m.type() === 'error') console.error('[page]', m.text()); });
    page.on('pageerror', (e) => console.error('[page]', e.message));
    await page.goto(`http://127.0.0.1:${port}/page.html`);
    await page.waitForFunction(() => window.pageReady === true);
    renderer = await page.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      if (!gl) return 'no WebGL2';
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      return ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
    });
    console.log(`chromium ${browserVersion}; WebGL renderer: ${renderer}; modelSelection ${args.model}`);
    const segment = async (file, previousFile) => {
      const result = await page.evaluate(
        ([url, model, previous]) => window.segmentImage(url, model, previous),
        [`/images/${encodeURIComponent(file)}`, args.model,
          previousFile ? `/images/${encodeURIComponent(previousFile)}` : null]);
      const out = result.output;
      if (!out) throw new Error(`${file}: no result from the solution`);
      if (out.width !== result.imageWidth || out.height !== result.imageHeight) {
        throw new Error(`${file}: mask ${out.width}x${out.height} differs from image `
          + `${result.imageWidth}x${result.imageHeight}`);
      }
      return { width: out.width, height: out.height, mask: maskFromRgba(Buffer.from(out.rgba, 'base64')) };
    };
    for (const file of names) {
      const name = basename(file, extname(file));
      const { width, height, mask } = await segment(file);
      const png = grayPng(width, height, mask);
      const target = join(args.out, name + '.png');
      writeFileSync(target + '.part', png);
      renameSync(target + '.part', target);
      let sum = 0, person = 0;
      for (const v of mask) { sum += v; if (v >= 128) person++; }
      console.log(`${name}: ${width}x${height}, mean ${(sum / mask.length / 255).toFixed(4)}, `
        + `person share ${(person / mask.length).toFixed(4)}`);
      records.push({ name, image: file, imageSha256: sha256(readFileSync(join(imagesDir, file))),
        width, height, maskSha256: sha256(png) });
      if (independence === null && names.length > 1) {
        // The solution keeps a graph running between frames; check that an earlier, different
        // frame in the same instance does not change this image's mask.
        const previous = names[names.length - 1] === file ? names[0] : names[names.length - 1];
        const again = await segment(file, previous);
        let maxDiff = 0;
        for (let i = 0; i < mask.length; i++) maxDiff = Math.max(maxDiff, Math.abs(again.mask[i] - mask[i]));
        independence = { image: file, afterImage: previous, maxAbsDiff: maxDiff };
        console.log(`independence check: ${file} after ${previous} in one instance: max abs diff ${maxDiff}`);
      }
    }
  } finally {
    await closeBrowser();
    server.close();
  }
  const settings = {
    producer: 'tools/mediapipe-golden/record.mjs',
    solution: '@mediapipe/selfie_segmentation',
    solutionVersion: mediapipeVersion,
    modelSelection: args.model,
    model: args.model === 0 ? 'selfie_segmentation.tflite (general, 256x256)'
      : 'selfie_segmentation_landscape.tflite (landscape, 144x256)',
    selfieMode: false,
    instancePerImage: true,
    independenceCheck: independence,
    maskEncoding: '8-bit grayscale PNG at image size; value = alpha channel of the solution\'s '
      + 'segmentationMask drawn on a 2D canvas (the mask texture holds the probability in R and A, '
      + 'premultiplied; A is read because a 2D canvas un-premultiplies R)',
    playwrightCoreVersion: playwrightVersion,
    browser: `chromium ${browserVersion}`,
    webglRenderer: renderer,
    chromiumFlags: CHROMIUM_FLAGS,
    node: process.version,
    images: records,
  };
  const settingsFile = join(args.out, 'settings.json');
  writeFileSync(settingsFile + '.part', JSON.stringify(settings, null, 2) + '\n');
  renameSync(settingsFile + '.part', settingsFile);
  console.log(`wrote ${records.length} masks and settings.json to ${args.out}`);
}

// The solution's mask, drawn on a 2D canvas, arrives as RGBA with the probability in alpha.
function maskFromRgba(rgba) {
  const mask = new Uint8Array(rgba.length / 4);
  for (let i = 0; i < mask.length; i++) mask[i] = rgba[4 * i + 3];
  return mask;
}

function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

async function versionOf(context) {
  const page = await context.newPage();
  const ua = await page.evaluate(() => navigator.userAgent);
  await page.close();
  const m = /Chrom(?:e|ium)\/([\d.]+)/.exec(ua);
  return m ? m[1] : 'unknown';
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
