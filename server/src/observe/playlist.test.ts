import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseMediaPlaylist } from './playlist.js';

/** As nginx-rtmp writes it (hls_nested on, 2 s fragments). */
const NGINX_PLAYLIST = `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-MEDIA-SEQUENCE:12
#EXT-X-TARGETDURATION:2
#EXT-X-DISCONTINUITY
#EXTINF:2.000,
12.ts
#EXTINF:2.033,
13.ts
#EXTINF:1.967,
14.ts
`;

describe('parseMediaPlaylist', () => {
  test('reads the sequence, target duration and every segment with its duration', () => {
    assert.deepEqual(parseMediaPlaylist(NGINX_PLAYLIST), {
      mediaSequence: 12,
      targetDuration: 2,
      segments: [
        { uri: '12.ts', duration: 2 },
        { uri: '13.ts', duration: 2.033 },
        { uri: '14.ts', duration: 1.967 },
      ],
      ended: false,
    });
  });

  test('a playlist that ended is marked so', () => {
    const p = parseMediaPlaylist(`${NGINX_PLAYLIST}#EXT-X-ENDLIST\n`);
    assert.equal(p?.ended, true);
    assert.equal(p?.segments.length, 3);
  });

  test('Windows line endings and surrounding spaces are accepted', () => {
    const p = parseMediaPlaylist('#EXTM3U\r\n#EXT-X-TARGETDURATION:4\r\n#EXTINF:4.0,title\r\n  0.ts  \r\n');
    assert.deepEqual(p, { mediaSequence: 0, targetDuration: 4, segments: [{ uri: '0.ts', duration: 4 }], ended: false });
  });

  test('a playlist just created, with no segment yet, has no segments', () => {
    assert.deepEqual(parseMediaPlaylist('#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-TARGETDURATION:2\n')?.segments, []);
  });

  test('a half-written segment entry (EXTINF without its URI) is not counted', () => {
    assert.deepEqual(parseMediaPlaylist('#EXTM3U\n#EXTINF:2.000,\n1.ts\n#EXTINF:2.000,\n')?.segments, [{ uri: '1.ts', duration: 2 }]);
  });

  test('a URI line without an EXTINF before it is not a segment', () => {
    assert.deepEqual(parseMediaPlaylist('#EXTM3U\nstray.ts\n#EXTINF:2,\n1.ts\n')?.segments, [{ uri: '1.ts', duration: 2 }]);
  });

  test('an unreadable duration counts as zero rather than NaN', () => {
    assert.deepEqual(parseMediaPlaylist('#EXTM3U\n#EXTINF:abc,\n1.ts\n')?.segments, [{ uri: '1.ts', duration: 0 }]);
  });

  test('text that is not a playlist gives null', () => {
    assert.equal(parseMediaPlaylist(''), null);
    assert.equal(parseMediaPlaylist('<html>404</html>'), null);
    assert.equal(parseMediaPlaylist('#EXTINF:2,\n1.ts\n'), null);
  });
});
