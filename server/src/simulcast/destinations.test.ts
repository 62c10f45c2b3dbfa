import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DestinationConfigSchema, DestinationKey, DestinationUrl, maskKey, PRESETS, presetById, presetOfUrl, publishUrl, urlFromPreset } from './destinations.js';
import { relayArgs, sourceUrl } from './args.js';

describe('destination URL and key', () => {
  test('rtmp:// and rtmps:// server URLs are accepted', () => {
    for (const u of ['rtmp://127.0.0.1:1936/app', 'rtmps://a.rtmps.youtube.com:443/live2', 'RTMPS://live-api-s.facebook.com:443/rtmp/']) assert.ok(DestinationUrl.safeParse(u).success, u);
  });
  test('other schemes, spaces and bare hosts are refused', () => {
    for (const u of ['http://example.com/live', 'srt://x:9000', 'rtmp://', 'rtmp://host/app name', 'rtmp:/host/app', 'file:///etc/passwd', '']) assert.equal(DestinationUrl.safeParse(u).success, false, u);
  });
  test('a key with spaces or control characters is refused', () => {
    for (const k of ['abc def', 'abc\tdef', 'abc\ndef', 'abc\u0000def', 'clé-ñ123', '', 'abcde']) assert.equal(DestinationKey.safeParse(k).success, false, JSON.stringify(k));
    assert.ok(DestinationKey.safeParse('xxxx-yyyy-zzzz-wwww-vvvv').success);
    assert.ok(DestinationKey.safeParse('FB-12345678901234-0-Abcdefg?s_bl=1&s_sw=0').success);
  });
  test('config entries default to enabled and refuse unknown fields', () => {
    assert.equal(DestinationConfigSchema.parse({ name: 'YT', url: 'rtmp://h/app', key: 'k123456' }).enabled, true);
    assert.equal(DestinationConfigSchema.safeParse({ name: 'YT', url: 'rtmp://h/app', key: 'k123456', extra: 1 }).success, false);
  });
});

describe('presets', () => {
  test('YouTube and Facebook fill their RTMPS servers; "other" takes the given URL', () => {
    assert.equal(presetById('youtube')?.url, 'rtmps://a.rtmps.youtube.com:443/live2');
    assert.equal(presetById('facebook')?.url, 'rtmps://live-api-s.facebook.com:443/rtmp/');
    assert.deepEqual(urlFromPreset('youtube', undefined), { ok: true, url: 'rtmps://a.rtmps.youtube.com:443/live2' });
    assert.deepEqual(urlFromPreset('other', 'rtmp://x/app'), { ok: true, url: 'rtmp://x/app' });
    assert.deepEqual(PRESETS.map((p) => p.id), ['youtube', 'facebook', 'other']);
  });
  test('an unknown preset names the preset field; "other" without a URL names the url field', () => {
    const unknown = urlFromPreset('twitch', 'rtmp://x/app');
    assert.equal(unknown.ok, false);
    assert.equal(!unknown.ok && unknown.field, 'preset');
    const noUrl = urlFromPreset('other', undefined);
    assert.equal(!noUrl.ok && noUrl.field, 'url');
  });
  test('a stored URL is recognised as its preset, trailing slash or not', () => {
    assert.equal(presetOfUrl('rtmps://live-api-s.facebook.com:443/rtmp').id, 'facebook');
    assert.equal(presetOfUrl('rtmps://a.rtmps.youtube.com:443/live2/').id, 'youtube');
    assert.equal(presetOfUrl('rtmp://127.0.0.1/app').id, 'other');
  });
});

describe('what ffmpeg is given', () => {
  test('the key is the last path segment, one slash whatever the server URL ends with', () => {
    assert.equal(publishUrl('rtmps://live-api-s.facebook.com:443/rtmp/', 'KEY1'), 'rtmps://live-api-s.facebook.com:443/rtmp/KEY1');
    assert.equal(publishUrl('rtmp://h:1936/app', 'KEY1'), 'rtmp://h:1936/app/KEY1');
  });
  test('the copy plays the loopback source and copies both tracks as FLV, no decode', () => {
    const args = relayArgs({ source: sourceUrl(1935, 'envivo'), url: 'rtmp://h/app', key: 'secretkey' });
    assert.deepEqual(args, [
      '-hide_banner', '-nostats', '-loglevel', 'warning', '-progress', 'pipe:1', '-rw_timeout', '10000000',
      '-i', 'rtmp://127.0.0.1:1935/live/envivo', '-map', '0:v?', '-map', '0:a?', '-c', 'copy',
      '-flvflags', 'no_duration_filesize', '-rw_timeout', '10000000', '-f', 'flv', 'rtmp://h/app/secretkey',
    ]);
  });
  test('a saved key is shown masked', () => {
    assert.equal(maskKey('abcd-efgh-ijkl-mnop'), '••••mnop');
    assert.equal(maskKey('short'), '••••');
  });
});
