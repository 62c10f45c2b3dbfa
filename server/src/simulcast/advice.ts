import type { PlatformRules } from './destinations.js';

/** What we know of our source while live (from the ingest health and nginx's /stat). */
export interface SourceFacts {
  keyframeIntervalSec?: number;
  /** Whole input, kbps. */
  inputKbps?: number;
  audioCodec?: string;
  audioKbps?: number;
}

export type AdviceCode = 'keyframe_too_long' | 'audio_missing' | 'audio_too_low' | 'bitrate_too_high';

export interface Advice {
  code: AdviceCode;
  message: string;
}

/**
 * The platform's published rules our source breaks. Nothing is said about what is not measured yet, so a
 * stream that just began gets no false alarm.
 */
export function adviceFor(rules: PlatformRules, label: string, src: SourceFacts): Advice[] {
  const out: Advice[] = [];
  if (rules.maxKeyframeSec !== undefined && src.keyframeIntervalSec !== undefined && src.keyframeIntervalSec > rules.maxKeyframeSec + 0.25) {
    const s = src.keyframeIntervalSec.toFixed(1);
    out.push({
      code: 'keyframe_too_long',
      message: `${label} pide un fotograma clave cada ${rules.maxKeyframeSec} s o menos; OBS envía uno cada ${s} s (Ajustes → Salida → Intervalo de fotogramas clave = 2) / ${label} wants a keyframe at least every ${rules.maxKeyframeSec} s; OBS sends one every ${s} s`,
    });
  }
  if (rules.minAudioKbps !== undefined && src.inputKbps !== undefined) {
    if (!src.audioCodec) {
      out.push({ code: 'audio_missing', message: `${label} exige audio y la señal no trae / ${label} requires audio and the source has none` });
    } else if (src.audioKbps !== undefined && src.audioKbps > 0 && src.audioKbps < rules.minAudioKbps) {
      const k = Math.round(src.audioKbps);
      out.push({
        code: 'audio_too_low',
        message: `${label} pide audio de al menos ${rules.minAudioKbps} kbps; llegan ${k} kbps (OBS → Audio → Tasa de bits) / ${label} wants audio of at least ${rules.minAudioKbps} kbps; the source has ${k} kbps`,
      });
    }
  }
  if (rules.maxKbps !== undefined && src.inputKbps !== undefined && src.inputKbps > rules.maxKbps) {
    const k = Math.round(src.inputKbps);
    out.push({
      code: 'bitrate_too_high',
      message: `${label} acepta hasta ${rules.maxKbps} kbps; la señal trae ${k} kbps / ${label} accepts up to ${rules.maxKbps} kbps; the source sends ${k} kbps`,
    });
  }
  return out;
}
