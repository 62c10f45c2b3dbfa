import { XMLParser } from 'fast-xml-parser';

/** One stream as nginx-rtmp's /stat reports it. */
export interface StatStream {
  name: string;
  /** Milliseconds since the stream started. */
  timeMs: number;
  bwIn: number;
  bwVideo: number;
  bwAudio: number;
  publishing: boolean;
  /**
   * Milliseconds since the stream's current publisher connected (its own <client><time>), when one
   * publishes. Differs from timeMs when a player kept the stream alive across a publisher's return (the
   * archive's listening copy plays the ladder's audio rung through a ladder restart).
   */
  publisherMs?: number;
  clients: number;
  video?: { width: number; height: number; fps: number; codec: string; profile: string; level: string; compat?: number };
  audio?: { codec: string; profile: string; channels: number; sampleRate: number };
}

export interface StatSnapshot {
  uptimeSec: number;
  /** application name → its streams */
  apps: Map<string, StatStream[]>;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => ['application', 'stream', 'client', 'server'].includes(name),
});

const num = (v: unknown): number => {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
};
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

type Node = Record<string, unknown>;
const asNodes = (v: unknown): Node[] => (Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Node[]) : []);

/** Parses nginx-rtmp's /stat XML. Unknown or missing fields become zero/undefined rather than errors. */
export function parseStat(xml: string): StatSnapshot {
  const doc = parser.parse(xml) as Node;
  const rtmp = (doc.rtmp ?? {}) as Node;
  const apps = new Map<string, StatStream[]>();
  for (const server of asNodes(rtmp.server)) {
    for (const app of asNodes(server.application)) {
      const name = str(app.name);
      const live = (app.live ?? {}) as Node;
      const streams = asNodes(live.stream).map(parseStream);
      apps.set(name, [...(apps.get(name) ?? []), ...streams]);
    }
  }
  return { uptimeSec: num(rtmp.uptime), apps };
}

function parseStream(s: Node): StatStream {
  const meta = (s.meta ?? {}) as Node;
  const v = meta.video as Node | undefined;
  const a = meta.audio as Node | undefined;
  const stream: StatStream = {
    name: str(s.name),
    timeMs: num(s.time),
    bwIn: num(s.bw_in),
    bwVideo: num(s.bw_video),
    bwAudio: num(s.bw_audio),
    publishing: 'publishing' in s,
    clients: num(s.nclients),
  };
  const publisherClient = asNodes(s.client).find((c) => 'publishing' in c);
  if (publisherClient && 'time' in publisherClient) stream.publisherMs = num(publisherClient.time);
  if (v && typeof v === 'object' && num(v.width) > 0) {
    stream.video = {
      width: num(v.width),
      height: num(v.height),
      fps: num(v.frame_rate),
      codec: str(v.codec),
      profile: str(v.profile),
      level: str(v.level),
      compat: v.compat === undefined ? undefined : num(v.compat),
    };
  }
  if (a && typeof a === 'object' && str(a.codec)) {
    stream.audio = { codec: str(a.codec), profile: str(a.profile), channels: num(a.channels), sampleRate: num(a.sample_rate) };
  }
  return stream;
}

export function findStream(snapshot: StatSnapshot, app: string, name: string): StatStream | undefined {
  return snapshot.apps.get(app)?.find((s) => s.name === name);
}
