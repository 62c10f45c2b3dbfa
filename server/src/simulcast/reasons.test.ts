import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { classifyFailure, reasonText } from './reasons.js';

const SRC = 'rtmp://127.0.0.1:1935/live/envivo';
const c = (text: string, bytes = 0) => classifyFailure(text.split('\n'), SRC, bytes);

describe('why a destination failed, from ffmpeg stderr', () => {
  test('a connection closed at publish, before any byte, is a refused key', () => {
    assert.equal(c('[flv @ 0x55] Failed to update header with correct duration.\nrtmp://127.0.0.1:1936/app/[REDACTED]: Input/output error\nError opening output files: Input/output error'), 'key_rejected');
    assert.equal(c('[rtmp @ 0x1] Server error: Invalid stream key'), 'key_rejected');
    assert.equal(c('[rtmp @ 0x1] Server error: NetStream.Publish.BadName'), 'key_rejected');
  });
  test('refused connections, DNS, TLS and timeouts each have their reason', () => {
    assert.equal(c('[tcp @ 0x1] Connection to tcp://127.0.0.1:1999?... failed: Connection refused\nrtmp://127.0.0.1:1999/app/[REDACTED]: Connection refused'), 'connect_failed');
    assert.equal(c('[tcp @ 0x1] Failed to resolve hostname nowhere.invalid: Name or service not known'), 'dns');
    assert.equal(c('[tls @ 0x1] Error in the push function.\n[tls @ 0x1] The TLS connection was non-properly terminated.'), 'tls');
    assert.equal(c('[tls @ 0x1] A TLS fatal alert has been received.'), 'tls');
    assert.equal(c('[tcp @ 0x1] Connection to tcp://10.255.0.1:1935 failed: Connection timed out'), 'timeout');
  });
  test('after bytes were sent, a broken connection was closed by the far side', () => {
    assert.equal(c('av_interleaved_write_frame(): Broken pipe\nError writing trailer of rtmp://h/app/[REDACTED]: Broken pipe', 123456), 'closed_by_peer');
    assert.equal(c('[rtmp @ 0x1] Connection reset by peer', 10), 'closed_by_peer');
  });
  test('our own source missing (a publisher blip) is not blamed on the destination', () => {
    assert.equal(c(`${SRC}: Input/output error`), 'source_unavailable');
    assert.equal(c(`[rtmp @ 0x1] Cannot open connection tcp://127.0.0.1:1935\n${SRC}: Connection refused`), 'source_unavailable');
  });
  test('anything else is an unknown stop, in Spanish first', () => {
    assert.equal(c('something odd'), 'unknown');
    assert.equal(reasonText('key_rejected'), 'La clave fue rechazada por el destino / The destination refused the stream key');
    assert.equal(reasonText('connect_failed'), 'No se pudo conectar / Could not connect');
  });
});
