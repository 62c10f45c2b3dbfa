import { initialState, step, type MachineOptions, type MachineState, type StreamEvent } from './state-machine.js';

export type StateListener = (state: MachineState, previous: MachineState) => void;

/** Holds the stream's state and tells listeners when it changes. No I/O: events in, states out. */
export class LiveStream {
  private current: MachineState;
  private readonly listeners = new Set<StateListener>();

  constructor(
    private readonly options: MachineOptions,
    now: number,
  ) {
    this.current = initialState(now);
  }

  get state(): MachineState {
    return this.current;
  }

  dispatch(event: StreamEvent): MachineState {
    const previous = this.current;
    this.current = step(previous, event, this.options);
    if (this.current.state !== previous.state) for (const l of this.listeners) l(this.current, previous);
    return this.current;
  }

  onChange(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
