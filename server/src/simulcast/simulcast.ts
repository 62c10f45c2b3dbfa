import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { commandLine, isAlive } from '../process/processes.js';
import type { Logger } from '../log/logger.js';
import type { StreamStateName } from '../stream/state-machine.js';
import { adviceFor } from './advice.js';
import { relayArgs, sourceUrl } from './args.js';
import { maskKey, presetOfUrl, type Destination } from './destinations.js';
import { registerSimulcastMetrics } from './metrics.js';
import { Relay, type RelayStatus } from './relay.js';
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
  const s = new SimulcastService(d);
  // Plain functions, not methods: the platform hands adminRoutes (and the rest) on detached from the object.
  return {
    adminRoutes: (admin) => s.adminRoutes(admin),
    onStreamChange: (state) => s.onStreamChange(state),
    list: () => s.list(),
    stop: () => s.stop(),
  };
}

const OFF_STATUS = (): RelayStatus => ({ phase: 'off', uptimeSec: 0, bitrateKbps: 0, bytesOut: 0, reconnects: 0 });

/** The state behind createSimulcast: the stored destinations, one Relay each, and whether the stream is on. */
class SimulcastService {
  private readonly store: DestinationStore;
  private readonly source: string;
  private readonly relays = new Map<string, Relay>();
  private readonly log: Logger;
  private readonly pidDir: string;
  private on = false;
  private previous: StreamStateName = 'offline';
  private stopped = false;

  constructor(private readonly d: SimulcastDeps) {
    this.store = new DestinationStore(d.dataDir, d.initial);
    for (const dest of [...d.initial, ...this.store.all()]) d.redactor.add(dest.key);
    this.source = sourceUrl(d.rtmpPort, d.streamName);
    this.log = d.logger.child({ component: 'simulcast', stream: d.streamName });
    this.pidDir = path.join(d.dataDir, 'simulcast');
    endOrphans(this.pidDir, this.source, this.log);
    if (d.registry) this.registerMetrics(d.registry);
  }

  /** For AdminDeps.extensions: /simulcast under the guarded admin plugin. */
  adminRoutes(admin: FastifyInstance): void {
    simulcastRoutes(admin, {
      store: this.store,
      learnKey: (key) => this.d.redactor.add(key),
      view: (dest) => this.view(dest),
      list: () => this.list(),
      changed: (what, dest) => {
        this.log.info({ event: `simulcast_destination_${what}`, destination: dest.name, enabled: dest.enabled }, `simulcast destination ${what}`);
        this.reconcile();
      },
    });
  }

  onStreamChange(state: StreamStateName): void {
    const next = state !== 'offline';
    // Back from "reconnecting": copies that failed while our source was gone start again at once.
    if (next && this.on && state !== 'reconnecting' && this.previous === 'reconnecting') this.reconcile(true);
    this.previous = state;
    if (next === this.on) return;
    this.on = next;
    this.reconcile();
  }

  list(): DestinationView[] {
    return this.store.all().map((dest) => this.view(dest));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.relays.values()].map((r) => r.stop()));
  }

  /** Every destination to what it should be now: running if on and enabled, else stopped. */
  private reconcile(retryFailing = false): void {
    if (this.stopped) return;
    for (const dest of this.store.all()) {
      const relay = this.relayOf(dest);
      const args = relayArgs({ source: this.source, url: dest.url, key: dest.key });
      if (this.on && dest.enabled) {
        relay.run(args);
        if (retryFailing) relay.retryNow(args);
      } else void relay.stop();
    }
    for (const [id, relay] of this.relays) {
      if (this.store.get(id)) continue;
      this.relays.delete(id);
      void relay.stop();
    }
  }

  private relayOf(dest: Destination): Relay {
    let r = this.relays.get(dest.id);
    if (!r) {
      const pidFile = path.join(this.pidDir, `${dest.id}.pid`);
      r = new Relay({
        name: dest.name,
        ffmpeg: this.d.ffmpeg,
        logger: this.log,
        redactor: this.d.redactor,
        source: this.source,
        restartDelayMs: this.d.restartDelayMs,
        maxRestartDelayMs: this.d.maxRestartDelayMs,
        onPid: (pid) => (pid ? writeFileSync(pidFile, String(pid)) : rmSync(pidFile, { force: true })),
      });
      this.relays.set(dest.id, r);
    }
    return r;
  }

  private view(dest: Destination): DestinationView {
    const preset = presetOfUrl(dest.url);
    const status = this.relays.get(dest.id)?.status() ?? OFF_STATUS();
    return {
      id: dest.id,
      name: dest.name,
      url: dest.url,
      preset: preset.id,
      key: maskKey(dest.key),
      enabled: dest.enabled,
      status,
      advice: this.on && dest.enabled ? adviceFor(preset.rules, preset.id === 'other' ? dest.name : preset.label, this.d.source()) : [],
    };
  }

  private registerMetrics(registry: Registry): void {
    registerSimulcastMetrics(registry, () =>
      this.store.all().map((dest) => {
        const s = this.relays.get(dest.id)?.status();
        return { name: dest.name, up: s?.phase === 'sending', bytesOut: s?.bytesOut ?? 0, reconnects: s?.reconnects ?? 0 };
      }),
    );
  }
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
