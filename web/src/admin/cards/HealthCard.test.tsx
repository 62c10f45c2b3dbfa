import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OFFLINE_STATUS } from '../../api/status';
import { renderIn, textOf } from '../../testing/render';
import { HealthCard } from './HealthCard';
import type { HealthSample, Overview } from '../api/types';

const NOW = Date.parse('2026-11-29T14:30:00Z');

const live: Overview = {
  status: { ...OFFLINE_STATUS, state: 'live', since: '2026-11-29T14:02:00Z', viewers: 12 },
  health: {
    advice: ['keyframe_too_long', 'bitrate_unstable'],
    nginxUp: true,
    publisher: true,
    inputKbps: 2840,
    width: 1280,
    height: 720,
    fps: 30,
    videoCodec: 'H264',
    audioCodec: 'AAC',
    keyframeIntervalSec: 5,
    keyframeTooLong: true,
    transcoder: { phase: 'running', restarts: 0, progress: { fps: 30, speed: 1.01 } },
    renditions: [{ id: 'source', ready: true, publishing: true, segments: 6, lastSegmentAgeSec: 1 }],
  },
  viewers: 12,
  peak: 15,
  session: { id: 3, startedAt: '2026-11-29T14:01:50Z', liveAt: '2026-11-29T14:02:00Z', endedAt: null, peakViewers: 15 },
  obsServer: 'rtmp://iglesia.cl:1935/live',
  publicUrl: { url: 'https://iglesia.cl', local: false, suggestion: null },
};

const samples: HealthSample[] = Array.from({ length: 12 }, (_, i) => ({
  at: new Date(NOW - (11 - i) * 5000).toISOString(),
  inputKbps: 2500 + i * 50,
  fps: 30,
  keyframeIntervalSec: 5,
}));

test('a 5 s keyframe interval and an unstable bitrate are explained in plain Spanish, with where to change them', () => {
  const text = textOf(renderIn('es', <HealthCard overview={live} samples={samples} now={NOW} />));
  assert.match(text, /En vivo · desde las 11:02/, 'times are read in Santiago');
  assert.match(text, /Fotogramas clave cada 5,0 s: demasiado espaciados/);
  assert.match(text, /En OBS: Ajustes → Salida; arriba, «Modo de salida»: Avanzado; luego, en la pestaña «Emisión», «Intervalo de fotogramas clave»: 2\./);
  assert.match(text, /La conexión a internet del templo es inestable: baje la tasa de bits en OBS/);
  assert.match(text, /2\.840 kbps/);
  assert.match(text, /1280×720/);
  assert.doesNotMatch(text, /Todo en orden/);
});

test('the same advice reads in English when English is chosen', () => {
  const text = textOf(renderIn('en', <HealthCard overview={live} samples={samples} now={NOW} />));
  assert.match(text, /Keyframes every 5\.0 s: too far apart/);
  assert.match(text, /In OBS: Settings → Output; at the top, "Output Mode": Advanced; then, on the "Streaming" tab, "Keyframe Interval": 2\./);
  assert.doesNotMatch(text, /Ajustes/);
});

test('the chart draws bitrate, fps and keyframe lines against the 2 s target, and says the figures in words', () => {
  const html = renderIn('es', <HealthCard overview={live} samples={samples} now={NOW} />);
  assert.equal((html.match(/class="adm-chart-line [^"]*" d="M/g) ?? []).length, 3);
  assert.match(html, /role="img"/);
  assert.match(textOf(html), /ideal: 2 s/);
  assert.match(textOf(html), /Tasa de bits: entre 2\.500 y 3\.050 kbps \(ahora 3\.050\)\. Cuadros por segundo: 30 fps\./);
});

test('a healthy broadcast says so; with OBS disconnected the page says that instead of figures', () => {
  const healthy = { ...live, health: { ...live.health, advice: [], keyframeIntervalSec: 2, keyframeTooLong: false } };
  assert.match(textOf(renderIn('es', <HealthCard overview={healthy} samples={[]} now={NOW} />)), /Todo en orden/);
  const offline = { ...live, status: OFFLINE_STATUS, health: { ...live.health, advice: [], publisher: false } };
  const text = textOf(renderIn('es', <HealthCard overview={offline} samples={[]} now={NOW} />));
  assert.match(text, /Sin transmisión/);
  assert.match(text, /OBS no está conectado/);
  assert.match(text, /Aún no hay datos/);
  assert.doesNotMatch(text, /demasiado espaciados|Todo en orden/);
});
