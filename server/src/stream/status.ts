/** The public status document: GET /api/v1/status and the websocket's `status` message (contract/status.ts). */
export type { StatusRendition, StreamStatus } from '../../../contract/status.js';
