import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderIn, textOf } from '../../testing/render';
import { createAdminClient } from '../api/api';
import { BrandingForm } from '../forms/BrandingForm';
import { EmbedCard } from './EmbedCard';
import { LoginForm } from '../LoginForm';
import { ObsCard } from './ObsCard';
import { PublicUrlNotice } from './PublicUrlNotice';
import { ScheduleEditor } from '../forms/ScheduleEditor';
import type { SimulcastDocument, SiteDocument, StreamSession } from '../api/types';
import type { Loaded } from '../hooks/useLoad';
import { ViewersCard } from './ViewersCard';

const client = createAdminClient({ csrfToken: 't', onSignedOut: () => {}, fetch: async () => Promise.reject(new Error('no network in tests')) });
const loaded = <T,>(data: T | null): Loaded<T> => ({ data, error: null, refresh: () => {}, set: () => {} });

const site: SiteDocument = {
  churchName: 'Iglesia Casa del Padre',
  offlineMessage: '¡Le esperamos!',
  accentColor: '#1d3557',
  logoUrl: null,
  schedule: [
    { day: 0, time: '11:00', title: 'Culto dominical' },
    { day: 3, time: '20:00', title: 'Reunión de oración' },
  ],
};

test('the sign-in form asks for the password in Spanish and says when a session ended', () => {
  const text = textOf(renderIn('es', <LoginForm expired onSignedIn={() => {}} />));
  assert.match(text, /Contraseña/);
  assert.match(text, /Entrar/);
  assert.match(text, /Su sesión terminó/);
});

test('the OBS card shows the server, hides the key and recommends 2 s keyframes at 2500–4500 kbps', () => {
  const html = renderIn('es', <ObsCard client={client} obsServer="rtmp://iglesia.cl:1935/live" />);
  const text = textOf(html);
  assert.match(html, /value="rtmp:\/\/iglesia\.cl:1935\/live"/);
  assert.match(text, /Copiar/);
  assert.match(text, /«Intervalo de fotogramas clave»: 2/);
  assert.match(text, /entre 2500 y 4500 kbps/);
  assert.match(text, /1280×720/);
  // For a volunteer who never opened those menus: the output mode first, and the jargon explained.
  const steps = html.match(/<ol class="adm-obs-steps">.*?<\/ol>/s)?.[0] ?? '';
  const items = [...steps.matchAll(/<li>(.*?)<\/li>/gs)].map((m) => textOf(m[1]!));
  assert.match(items[0] ?? '', /«Modo de salida»: Avanzado/);
  assert.ok(items.findIndex((i) => /fotogramas clave/.test(i)) > 0, 'the keyframe step comes after the output mode');
  assert.match(text, /CBR.*Tasa de bits constante/s);
  assert.match(text, /H\.264, el formato de video que todos los teléfonos/);
  assert.match(text, /AAC, el formato de sonido/);
  assert.match(text, /Cambiar la clave/);
});

test('the OBS card has "Chat en la transmisión": the /chat URL to copy, a preview of it, its options and the steps in OBS', () => {
  const html = renderIn('es', <ObsCard client={client} obsServer="rtmp://iglesia.cl:1935/live" origin="https://iglesia.cl" />);
  const text = textOf(html);
  assert.match(text, /Chat en la transmisión/);
  assert.match(html, /value="https:\/\/iglesia\.cl\/chat"/);
  assert.match(html, /<iframe src="\/chat"[^>]*title="Vista previa del chat en la transmisión"/);
  assert.match(html, /class="adm-overlay-preview"/);
  for (const label of ['Tamaño de letra (px)', 'Mensajes a la vez', 'Segundos en pantalla (0 = siempre)', 'Mostrar nombres', 'Colores', 'Alineación', 'Mostrar el mensaje fijado']) assert.ok(text.includes(label), label);
  assert.match(html, /type="number"[^>]*min="12"[^>]*max="160"[^>]*value="48"/);
  assert.match(text, /Fuentes → \+ → Navegador/);
  assert.match(text, /Ancho: 1920\. Alto: 1080/);
  const en = textOf(renderIn('en', <ObsCard client={client} obsServer="rtmp://iglesia.cl:1935/live" origin="https://iglesia.cl" />));
  assert.match(en, /Chat on the stream/);
  assert.match(en, /Sources → \+ → Browser/);
  assert.match(en, /Width: 1920\. Height: 1080/);
});

test('the schedule editor lists each service with its day in Spanish, a time field and a title', () => {
  const html = renderIn('es', <ScheduleEditor client={client} site={loaded(site)} />);
  assert.match(html, /<option value="0" selected="">domingo<\/option>/);
  assert.match(html, /<option value="3" selected="">miércoles<\/option>/);
  assert.match(html, /type="time"[^>]*value="20:00"|value="20:00"[^>]*type="time"/);
  assert.match(html, /value="Reunión de oración"/);
  assert.match(textOf(html), /Agregar transmisión/);
  assert.equal((html.match(/Quitar la transmisión/g) ?? []).length, 2);
});

test('the branding form is filled with the saved settings and previews the colour', () => {
  const html = renderIn('es', <BrandingForm client={client} site={loaded(site)} />);
  assert.match(html, /value="Iglesia Casa del Padre"/);
  assert.match(html, /type="color"[^>]*value="#1d3557"|value="#1d3557"[^>]*type="color"/);
  assert.match(html, /background:#1d3557;color:#ffffff/);
  assert.match(textOf(html), /Quedan 286 caracteres/);
});

test('the viewers card shows the count, the peak and recent broadcasts with their chat exports', () => {
  const sessions: StreamSession[] = [
    { id: 4, startedAt: '2026-11-29T14:01:00Z', liveAt: '2026-11-29T14:02:00Z', endedAt: '2026-11-29T15:27:00Z', peakViewers: 45 },
  ];
  const html = renderIn('es', <ViewersCard viewers={12} peak={15} live sessions={loaded(sessions)} now={Date.parse('2026-11-29T16:00:00Z')} />);
  const text = textOf(html);
  assert.match(text, /Conectados ahora 12/);
  assert.match(text, /Máximo en esta transmisión 15/);
  assert.match(text, /dom.*29.*nov.*11:02/);
  assert.match(text, /1 h 25 min · máximo 45 personas/);
  assert.match(html, /href="\/api\/v1\/admin\/chat\/export\?format=csv&amp;session=4" download=""/);
});

test('the embed card offers the iframe code for this site', () => {
  const html = renderIn('es', <EmbedCard origin="https://envivo.iglesia.cl" />);
  assert.match(html, /&lt;iframe src=&quot;https:\/\/envivo\.iglesia\.cl\/embed&quot; title=&quot;Transmisión en vivo&quot; allow=&quot;autoplay; fullscreen; picture-in-picture&quot; allowfullscreen style=&quot;[^&]*width:100%[^&]*aspect-ratio:16\/9[^&]*&quot;&gt;&lt;\/iframe&gt;/);
  assert.doesNotMatch(html, /width=&quot;560&quot;|height=&quot;315&quot;/, 'no fixed size: phones would get black bars');
});

test('a PUBLIC_URL left at localhost is pointed out, in Spanish and English, with an address that works', () => {
  const es = textOf(renderIn('es', <PublicUrlNotice url="http://localhost:8080" suggestion="http://192.168.1.10:8080" />));
  assert.match(es, /PUBLIC_URL es http:\/\/localhost:8080: .*app antigua/);
  assert.match(es, /responde, por ejemplo, en http:\/\/192\.168\.1\.10:8080/);
  const en = textOf(renderIn('en', <PublicUrlNotice url="http://localhost:8080" suggestion={null} />));
  assert.match(en, /PUBLIC_URL is http:\/\/localhost:8080: .*old frontend/);
  assert.doesNotMatch(en, /for example/);
});

test('a simulcast destination card shows sending figures, or the refusal reason and the advice, never the key', async () => {
  const { DestinationRow, SimulcastCard } = await import('./SimulcastCard');
  assert.match(textOf(renderIn('es', <SimulcastCard client={client} live />)), /Retransmitir a otras plataformas/);
  const base = { id: 'd1', name: 'YouTube', url: 'rtmps://a.rtmps.youtube.com:443/live2', preset: 'youtube', key: '••••9xQz', enabled: true };
  const sending = textOf(
    renderIn('es', <DestinationRow client={client} live loaded={loaded<SimulcastDocument>(null)} d={{ ...base, advice: [], status: { phase: 'sending', uptimeSec: 125, bitrateKbps: 2480, bytesOut: 1e6, reconnects: 1 } }} />),
  );
  assert.match(sending, /Enviando/);
  assert.match(sending, /2480 kbps · 2 min enviando · 1 reconexión/);
  assert.match(sending, /Clave ••••9xQz/);
  const failing = renderIn(
    'en',
    <DestinationRow
      client={client}
      live
      loaded={loaded<SimulcastDocument>(null)}
      d={{
        ...base,
        advice: [{ code: 'audio_missing', message: 'YouTube exige audio y la señal no trae / YouTube requires audio and the source has none' }],
        status: { phase: 'failing', uptimeSec: 0, bitrateKbps: 0, bytesOut: 0, reconnects: 3, reason: { code: 'key_rejected', es: 'La clave fue rechazada por el destino', en: 'The destination refused the stream key', at: '' } },
      }}
    />,
  );
  assert.match(textOf(failing), /Having trouble/);
  assert.match(textOf(failing), /The destination refused the stream key · 3 reconnects/);
  assert.match(textOf(failing), /YouTube requires audio and the source has none/);
});
