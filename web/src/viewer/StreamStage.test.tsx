import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SITE } from '../api/site';
import type { StreamStatus } from '../api/status';
import { renderIn, textOf } from '../testing/render';
import { StreamStage } from './StreamStage';

const renditions = [
  { id: 'source', url: '/video/envivo/index.m3u8', width: 1280, height: 720, bandwidth: 2_800_000 },
  { id: 'mid', url: '/video/envivo_mid/index.m3u8', width: 854, height: 480, bandwidth: 1_400_000 },
  { id: 'low', url: '/video/envivo_low/index.m3u8', width: 640, height: 360, bandwidth: 500_000 },
  { id: 'audio', url: '/video/envivo_audio/index.m3u8', bandwidth: 96_000, audioOnly: true },
];

function status(state: StreamStatus['state'], viewers = 0, extra: Partial<StreamStatus> = {}): StreamStatus {
  return { state, since: '2026-11-29T14:00:03.120Z', name: 'envivo', master: '/video/envivo.m3u8', renditions, viewers, ...extra };
}

// Monday 2026-11-23, 10:00 in Santiago.
const MONDAY = new Date('2026-11-23T13:00:00Z');

test('offline shows the church name, the next service and a countdown, and no player', () => {
  const html = renderIn('es', <StreamStage status={status('offline')} site={DEFAULT_SITE} now={MONDAY} />);
  const text = textOf(html);
  assert.match(text, /Iglesia Casa del Padre/);
  assert.match(text, /Próxima transmisión/);
  assert.match(text, /Reunión de oración/);
  assert.match(text, /miércoles,? 25 de noviembre/);
  assert.match(text, /20:00/);
  assert.match(text, /Comienza en 2 d 10 h 0 min/);
  assert.doesNotMatch(html, /<video/);
});

test('offline uses the church’s own name and schedule when the site settings provide them', () => {
  const site = { ...DEFAULT_SITE, churchName: 'Iglesia Bautista Maipú', schedule: [{ day: 6, time: '19:30', title: 'Jóvenes' }] };
  const text = textOf(renderIn('es', <StreamStage status={status('offline')} site={site} now={MONDAY} />));
  assert.match(text, /Iglesia Bautista Maipú/);
  assert.match(text, /Jóvenes/);
  assert.match(text, /sábado,? 28 de noviembre,? 19:30/);
});

test('starting says the stream is starting and shows no player yet', () => {
  const html = renderIn('es', <StreamStage status={status('starting')} site={DEFAULT_SITE} now={MONDAY} />);
  assert.match(textOf(html), /La transmisión está comenzando/);
  assert.doesNotMatch(html, /<video/);
});

test('live shows the player, the EN VIVO badge and the viewer count', () => {
  const html = renderIn('es', <StreamStage status={status('live', 12)} site={DEFAULT_SITE} now={MONDAY} />);
  const text = textOf(html);
  assert.match(html, /<video[^>]*playsInline|<video[^>]*playsinline/i);
  assert.match(html, /class="live-badge"/);
  assert.match(text, /EN VIVO/);
  assert.match(text, /12 personas conectadas/);
  assert.match(text, /Activar sonido/);
  for (const quality of ['Automática', 'Alta', 'Media (480p)', 'Baja (360p)', 'Solo audio']) assert.match(text, new RegExp(quality.replace(/[()]/g, '\\$&')));
});

test('one viewer is counted in the singular', () => {
  const text = textOf(renderIn('es', <StreamStage status={status('live', 1)} site={DEFAULT_SITE} now={MONDAY} />));
  assert.match(text, /1 persona conectada/);
});

test('reconnecting keeps the player with a small notice and no error wall', () => {
  const html = renderIn('es', <StreamStage status={status('reconnecting', 5)} site={DEFAULT_SITE} now={MONDAY} />);
  const text = textOf(html);
  assert.match(html, /<video/);
  assert.match(html, /role="status"><p class="player-notice"/);
  assert.match(text, /Reconectando/);
  assert.doesNotMatch(text, /error|no disponible|no se pudo/i);
  assert.doesNotMatch(html, /role="alert"/);
});

test('before the first status arrives the stage says it is loading', () => {
  assert.match(textOf(renderIn('es', <StreamStage status={null} site={DEFAULT_SITE} now={MONDAY} />)), /Cargando/);
});

test('OBS stopped (reason publisher-stopped): a neutral notice, not "signal lost"', () => {
  const text = textOf(renderIn('es', <StreamStage status={status('reconnecting', 5, { reason: 'publisher-stopped' })} site={DEFAULT_SITE} now={MONDAY} />));
  assert.match(text, /La transmisión se detuvo; si vuelve, seguirá aquí/);
  assert.doesNotMatch(text, /Se perdió la señal/);
});

test('right after a broadcast the offline page thanks the viewers and still announces the next service', () => {
  const justEnded = status('offline', 0, { reason: 'ended', since: new Date(MONDAY.getTime() - 60_000).toISOString() });
  const text = textOf(renderIn('es', <StreamStage status={justEnded} site={DEFAULT_SITE} now={MONDAY} />));
  assert.match(text, /Gracias por acompañarnos/);
  assert.match(text, /Reunión de oración/);
  assert.doesNotMatch(text, /No estamos transmitiendo/);
  assert.doesNotMatch(text, /grabación/, 'no recording slot without a recording');
  const withRecording = textOf(
    renderIn('es', <StreamStage status={justEnded} site={DEFAULT_SITE} now={MONDAY} latestRecording={{ title: 'Culto del domingo', url: '/archivo/1' }} />),
  );
  assert.match(withRecording, /Ver la grabación: Culto del domingo/);
  // Hours later it is an ordinary offline page again.
  const later = status('offline', 0, { reason: 'ended', since: new Date(MONDAY.getTime() - 4 * 3600_000).toISOString() });
  assert.match(textOf(renderIn('es', <StreamStage status={later} site={DEFAULT_SITE} now={MONDAY} />)), /No estamos transmitiendo/);
});
