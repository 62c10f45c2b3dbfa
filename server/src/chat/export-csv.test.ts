import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chatCsv, exportFileName } from './export-csv.js';
import type { ChatMessage } from './protocol.js';

const msg = (at: string, text: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: `id-${at}`, nick: 'Ana', text, at, role: 'viewer', sessionId: 's', ipHash: 'h', ...extra,
});

test('the CSV speaks Spanish, uses ; for Excel in Chilean Spanish, and gives Santiago times', () => {
  const csv = chatCsv([
    // 14:05:03 UTC on 29 Nov 2026 is 11:05:03 in Santiago (summer time, UTC−3).
    msg('2026-11-29T14:05:03.000Z', 'Bendiciones; saludos desde Maipú'),
    msg('2026-11-29T14:06:00.000Z', '=HYPERLINK("x")', { role: 'moderator', nick: 'Pastor', deleted: true }),
  ]);
  assert.ok(csv.startsWith('\ufeffFecha;Hora;Nombre;Rol;Mensaje;Eliminado;ID\r\n'), csv.slice(0, 60));
  const lines = csv.slice(1).split('\r\n');
  assert.equal(lines[1], '2026-11-29;11:05:03;Ana;Espectador;"Bendiciones; saludos desde Maipú";no;id-2026-11-29T14:05:03.000Z');
  assert.equal(lines[2], `2026-11-29;11:06:00;Pastor;Moderador;"'=HYPERLINK(""x"")";sí;id-2026-11-29T14:06:00.000Z`);
  assert.doesNotMatch(csv, /viewer|false|moderator/);
});

test('the file name is the real date range of its messages, never 1970-01-01', () => {
  const fallback = new Date('2026-11-30T15:00:00Z');
  const day = [msg('2026-11-29T14:05:03.000Z', 'a'), msg('2026-11-29T15:00:00.000Z', 'b')];
  assert.equal(exportFileName(day, { fallback }), 'chat-2026-11-29');
  // 02:00 UTC on 1 Sep is still 31 Aug in Santiago.
  const range = [msg('2026-09-01T02:00:00.000Z', 'a'), msg('2026-11-29T14:05:03.000Z', 'b')];
  assert.equal(exportFileName(range, { fallback }), 'chat-2026-08-31-a-2026-11-29');
  assert.equal(exportFileName(day, { session: 4, fallback }), 'chat-transmision-4-2026-11-29');
  assert.equal(exportFileName([], { fallback }), 'chat-2026-11-30');
});
