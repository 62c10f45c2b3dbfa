import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { commandLine, isAlive } from '../process/processes.js';
import type { Logger } from '../log/logger.js';
import type { StreamStateName } from '../stream/state-machine.js';
import { adviceFor } from './advice.js';
import { relayArgs, sourceUrl } from './args.js';
import { maskKey, presetOfUrl, type Destination } from './destinations.js';
import { registerSimulcastMetrics } from './metrics.js';
import { Relay } from './relay.js';
import { simulcastRoutes } from './routes.js';
import { DestinationStore } from './store.js';
import type { DestinationView, Simulcast, SimulcastDeps } from './types.js';

export type { DestinationView, Simulcast, SimulcastDeps } from './types.js';

/**
 * Simulcast: one supervised ffmpeg per enabled destination copying the source while the stream is on.
 * Copies run from "starting" until "offline": a publisher blip ("reconnecting") keeps them wanted, so each
 * picks the stream up again the moment it returns.
 */
export function createSimulcast(d: SimulcastDeps): Simulcast {
  const store = new DestinationStore(d.dataDir, d.initial);
  for (const dest of [...d.initial, ...store.all()]) d.redactor.add(dest.key);
  const source = sourceUrl(d.rtmpPort, d.streamName);
  const relays = new Map<string, Relay>();
  let on = false;
  let previous: StreamStateName = 'offline';
  let stopped = false;
  const log = d.logger.child({ component: 'simulcast', stream: d.streamName });
  const pidDir = path.join(d.dataDir, 'simulcast');
  endOrphans(pidDir, source, log);

  const relayOf = (dest: Destination): Relay => {
    let r = relays.get(dest.id);
    if (!r) {
      const pidFile = path.join(pidDir, `${dest.id}.pid`);
      r = new Relay({
        name: dest.name,
        ffmpeg: d.ffmpeg,
        logger: log,
        redactor: d.redactor,
        source,
        restartDelayMs: d.restartDelayMs,
        maxRestartDelayMs: d.maxRestartDelayMs,
        onPid: (pid) => (pid ? writeFileSync(pidFile, String(pid)) : rmSync(pidFile, { force: true })),
      });
      relays.set(dest.id, r);
    }
    return r;
  };

  /** Every destination to what it should be now: running if on and enabled, else stopped. */
  const reconcile = (retryFailing = false) => {
    if (stopped) return;
    for (const dest of store.all()) {
      const relay = relayOf(dest);
      const args = relayArgs({ source, url: dest.url, key: dest.key });
      if (on && dest.enabled) {
        relay.run(args);
        if (retryFailing) relay.retryNow(args);
      } else void relay.stop();
    }
    for (const [id, relay] of relays) {
      if (store.get(id)) continue;
      relays.delete(id);
      void relay.stop();
    }
  };

  const view = (dest: Destination): DestinationView => {
    const preset = presetOfUrl(dest.url);
    const status = relays.get(dest.id)?.status() ?? { phase: 'off' as const, uptimeSec: 0, bitrateKbps: 0, bytesOut: 0, reconnects: 0 };
    return {
      id: dest.id,
      name: dest.name,
      url: dest.url,
      preset: preset.id,
      key: maskKey(dest.key),
      enabled: dest.enabled,
      status,
      advice: on && dest.enabled ? adviceFor(preset.rules, preset.id === 'other' ? dest.name : preset.label, d.source()) : [],
    };
  };

  const list = () => store.all().map(view);

  if (d.registry) {
    registerSimulcastMetrics(d.registry, () =>
      store.all().map((dest) => {
        const s = relays.get(dest.id)?.status();
        return { name: dest.name, up: s?.phase === 'sending', bytesOut: s?.bytesOut ?? 0, reconnects: s?.reconnects ?? 0 };
      }),
    );
  }

  return {
    adminRoutes: (admin) =>
      simulcastRoutes(admin, {
        store,
        learnKey: (key) => d.redactor.add(key),
        view,
        list,
        changed: (what, dest) => {
          log.info({ event: `simulcast_destination_${what}`, destination: dest.name, enabled: dest.enabled }, `simulcast destination ${what}`);
          reconcile();
        },
      }),
    onStreamChange(state) {
      const next = state !== 'offline';
      // Back from "reconnecting": copies that failed while our source was gone start again at once.
      if (next && on && state !== 'reconnecting' && previous === 'reconnecting') reconcile(true);
      previous = state;
      if (next === on) return;
      on = next;
      reconcile();
    },
    list,
    async stop() {
      stopped = true;
      await Promise.all([...relays.values()].map((r) => r.stop()));
    },
  };
}

/**
 * Copies a killed service left running still publish to their destinations, which would refuse the new
 * copy as a second publisher: they are ended, and the new copies start as soon as the stream state is
 * known again (seconds).
 */
function endOrphans(pidDir: string, source: string, log: Logger): void {
  mkdirSync(pidDir, { recursive: true, mode: 0o700 });
  for (const name of readdirSync(pidDir)) {
    if (!name.endsWith('.pid')) continue;
    const file = path.join(pidDir, name);
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    const cmd = pid > 1 && isAlive(pid) ? commandLine(pid) : undefined;
    if (cmd && cmd[0]?.includes('ffmpeg') && cmd.includes(source)) {
      process.kill(pid, 'SIGKILL');
      log.warn({ event: 'simulcast_orphan_killed', pid }, 'ended a simulcast copy left by a previous start');
    }
    rmSync(file, { force: true });
  }
}
