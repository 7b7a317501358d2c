'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const form = $('form'), file = $('file'), drop = $('drop'), run = $('run'), status = $('status');
  let photo = null, resultUrl = null, originalUrl = null;

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle('error', !!isError);
  }

  function choose(f) {
    if (!f) return;
    photo = f;
    $('drop-text').textContent = f.name + ' (' + Math.round(f.size / 1024) + ' KB)';
    run.disabled = false;
    say('');
  }

  file.addEventListener('change', () => choose(file.files[0]));
  ['dragenter', 'dragover'].forEach((t) => drop.addEventListener(t, (e) => {
    e.preventDefault(); drop.classList.add('over');
  }));
  ['dragleave', 'drop'].forEach((t) => drop.addEventListener(t, (e) => {
    e.preventDefault(); drop.classList.remove('over');
  }));
  drop.addEventListener('drop', (e) => choose(e.dataTransfer.files[0]));
  $('color').addEventListener('input', () => { form.bgkind.value = 'color'; });
  $('bgfile').addEventListener('change', () => { form.bgkind.value = 'image'; });

  fetch('v1/models').then((r) => r.json()).then((info) => {
    const select = $('model');
    info.models.filter((m) => m.cached || m.loaded).forEach((m) => {
      const o = document.createElement('option');
      o.value = m.name; o.textContent = m.name; o.selected = m.default;
      select.appendChild(o);
    });
  }).catch(() => say('Could not list the models', true));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!photo) return;
    const data = new FormData();
    data.append('image', photo, photo.name);
    const kind = form.bgkind.value;
    let format = $('format').value;
    if (kind === 'color') data.append('background', $('color').value);
    else if (kind === 'blur') data.append('background', 'blur');
    else if (kind === 'image') {
      const bg = $('bgfile').files[0];
      if (!bg) { say('Choose a background image first', true); return; }
      data.append('background_image', bg, bg.name);
    } else {
      data.append('background', 'transparent');
      if (format === 'jpg') { format = 'png'; $('format').value = 'png'; }
    }
    if ($('model').value) data.append('model', $('model').value);
    data.append('format', format);
    run.disabled = true;
    say('Working…');
    const t0 = performance.now();
    try {
      const r = await fetch('v1/replace', { method: 'POST', body: data });
      if (!r.ok) {
        let msg = r.status + ' ' + r.statusText;
        try { const j = await r.json(); msg = j.error + ': ' + j.message; } catch (ignored) { /* not JSON */ }
        say(msg, true);
        return;
      }
      const blob = await r.blob();
      show(blob, format);
      say('Done in ' + ((performance.now() - t0) / 1000).toFixed(1) + ' s');
    } catch (err) {
      say('Request failed: ' + err, true);
    } finally {
      run.disabled = false;
    }
  });

  function show(blob, format) {
    if (resultUrl) URL.revokeObjectURL(resultUrl);
    if (originalUrl) URL.revokeObjectURL(originalUrl);
    resultUrl = URL.createObjectURL(blob);
    originalUrl = URL.createObjectURL(photo);
    $('original').src = originalUrl;
    $('result').src = resultUrl;
    $('compare-after').src = resultUrl;
    $('compare-before').src = originalUrl;
    const a = $('download');
    a.href = resultUrl;
    a.download = photo.name.replace(/\.[^.]*$/, '') + '-bgswap.' + format;
    $('view').hidden = false;
    slide();
  }

  function slide() {
    const pct = $('slider').value;
    const clip = $('compare-before-clip');
    clip.style.width = pct + '%';
    // The "before" image keeps the full frame's width so the halves line up.
    $('compare-before').style.width = $('compare').clientWidth + 'px';
  }
  $('slider').addEventListener('input', slide);
  window.addEventListener('resize', slide);
})();
