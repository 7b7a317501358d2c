// Checks how the solution maps a non-square image onto its square input: it runs each image
// three ways with fresh instances (as is; pre-stretched to a square; letterboxed onto a black
// square) and reports how closely the as-is mask matches each alternative, mapped back to the
// image. A stretching solution matches the pre-stretched run almost exactly.
//
// Usage: node check-aspect.mjs --images <dir> name.jpg [name.jpg ...]
import { resolve } from 'node:path';
import { startBrowser, startServer } from './common.mjs';

const argv = process.argv.slice(2);
if (argv[0] !== '--images' || argv.length < 3) {
  console.error('usage: node check-aspect.mjs --images <dir> name.jpg [name.jpg ...]');
  process.exit(2);
}
const server = await startServer(resolve(argv[1]));
const { context, close } = await startBrowser('/usr/bin/chromium');
try {
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/page.html`);
  await page.waitForFunction(() => window.pageReady === true);
  for (const name of argv.slice(2)) {
    const r = await page.evaluate(async (url) => {
      const img = new Image();
      img.src = url;
      await img.decode();
      const W = img.naturalWidth, H = img.naturalHeight, S = Math.max(W, H);
      async function maskOf(source, w, h) {
        const s = new SelfieSegmentation({ locateFile: (f) => '/mediapipe/' + f });
        s.setOptions({ modelSelection: 0, selfieMode: false });
        let out;
        s.onResults((res) => {
          const c = document.createElement('canvas');
          c.width = w; c.height = h;
          const x = c.getContext('2d');
          x.drawImage(res.segmentationMask, 0, 0);
          out = x.getImageData(0, 0, w, h).data;
        });
        await s.send({ image: source });
        await s.close();
        return out;
      }
      const asIs = await maskOf(img, W, H);
      const square = document.createElement('canvas');
      square.width = S; square.height = S;
      square.getContext('2d').drawImage(img, 0, 0, S, S);
      const stretched = await maskOf(square, S, S);
      const box = document.createElement('canvas');
      box.width = S; box.height = S;
      const bctx = box.getContext('2d');
      bctx.fillStyle = '#000';
      bctx.fillRect(0, 0, S, S);
      const ox = (S - W) / 2, oy = (S - H) / 2;
      bctx.drawImage(img, ox, oy);
      const boxed = await maskOf(box, S, S);
      const compare = (at) => {
        let diff = 0, agree = 0;
        for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
          const a = asIs[4 * (y * W + x) + 3], b = at(x, y);
          diff += Math.abs(a - b);
          if ((a >= 128) === (b >= 128)) agree++;
        }
        return { meanAbsDiff: +(diff / (W * H) / 255).toFixed(5), binaryAgreement: +(agree / (W * H)).toFixed(5) };
      };
      return {
        size: `${W}x${H}`,
        vsPreStretched: compare((x, y) => stretched[4 * (Math.min(S - 1, Math.floor((y + 0.5) * S / H)) * S
          + Math.min(S - 1, Math.floor((x + 0.5) * S / W))) + 3]),
        vsLetterboxed: compare((x, y) => boxed[4 * ((y + oy) * S + x + ox) + 3]),
      };
    }, `/images/${encodeURIComponent(name)}`);
    console.log(name, JSON.stringify(r));
  }
} finally {
  await close();
  server.close();
}
