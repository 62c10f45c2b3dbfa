// hls.js ships one declaration file for both builds; the light build has the same API minus the features
// we do not use (alternate audio, subtitles, DRM, CMCD).
declare module 'hls.js/dist/hls.light.mjs' {
  export * from 'hls.js';
  export { default } from 'hls.js';
}
