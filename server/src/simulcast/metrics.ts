import { Counter, Gauge, type Registry } from 'prom-client';

export interface DestinationFigures {
  name: string;
  up: boolean;
  bytesOut: number;
  reconnects: number;
}

/** Per destination (by name, never by key): up, bytes sent, reconnects — read at scrape time. */
export function registerSimulcastMetrics(registry: Registry, figures: () => DestinationFigures[]): void {
  const labelNames = ['destination'] as const;
  new Gauge({
    name: 'cdp_simulcast_destination_up',
    help: '1 while the destination is receiving our stream',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const f of figures()) this.set({ destination: f.name }, f.up ? 1 : 0);
    },
  });
  new Counter({
    name: 'cdp_simulcast_bytes_out_total',
    help: 'Bytes sent to the destination since the service started',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const f of figures()) this.inc({ destination: f.name }, f.bytesOut);
    },
  });
  new Counter({
    name: 'cdp_simulcast_reconnects_total',
    help: 'Times the copy to the destination ended and was started again',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const f of figures()) this.inc({ destination: f.name }, f.reconnects);
    },
  });
}
