/** A media playlist as far as we need it: its segments and their durations. */
export interface MediaPlaylist {
  mediaSequence: number;
  targetDuration: number;
  segments: { uri: string; duration: number }[];
  ended: boolean;
}

export function parseMediaPlaylist(text: string): MediaPlaylist | null {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines[0] !== '#EXTM3U') return null;
  const playlist: MediaPlaylist = { mediaSequence: 0, targetDuration: 0, segments: [], ended: false };
  let pending: number | null = null;
  for (const line of lines) {
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) playlist.mediaSequence = Number(line.slice(22)) || 0;
    else if (line.startsWith('#EXT-X-TARGETDURATION:')) playlist.targetDuration = Number(line.slice(22)) || 0;
    else if (line.startsWith('#EXTINF:')) pending = Number.parseFloat(line.slice(8));
    else if (line === '#EXT-X-ENDLIST') playlist.ended = true;
    else if (line && !line.startsWith('#') && pending !== null) {
      playlist.segments.push({ uri: line, duration: Number.isFinite(pending) ? pending : 0 });
      pending = null;
    }
  }
  return playlist;
}
