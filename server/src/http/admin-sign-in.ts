import type { FastifyRequest } from 'fastify';
import type { SignInAttempts } from './admin-store/admin-store.js';
import { ADMIN_COOKIE, DEVICE_COOKIE, newSessionId, parseCookies } from './identity.js';

/** Signs and checks the admin-device cookie (the viewer cookie's HMAC, another name and purpose). */
export interface DeviceSigner {
  sign(id: string): string;
  verify(value: string | undefined): string | undefined;
}

const DEVICE_YEAR = 365 * 24 * 3600;

/**
 * The admin login's rules. Wrong passwords: five, then one more every 12 s — per address for an unknown
 * browser, and per device for a browser that signed in before (its signed cookie). Someone on the
 * church's Wi-Fi guessing passwords cannot lock the pastor's own computer out. Cookies are Secure
 * whenever TLS is configured or the request itself came over HTTPS (nginx says so from loopback).
 */
export class AdminSignIn {
  constructor(
    private readonly devices: DeviceSigner,
    private readonly secureCookies: boolean,
    /** Counted in memory on one machine, in Redis across instances. */
    private readonly attempts: SignInAttempts,
  ) {}

  /** Whose wrong attempts a request counts against: its admin device, else its address. */
  attemptKey(req: FastifyRequest): string {
    const device = this.deviceOf(req);
    return device ? `device:${device}` : `ip:${req.ip}`;
  }

  /** Seconds this browser must wait before its next attempt (0: it may try now). */
  waitSeconds(req: FastifyRequest): Promise<number> {
    return this.attempts.waitSeconds(this.attemptKey(req), Date.now());
  }

  failed(req: FastifyRequest): Promise<void> {
    return this.attempts.failed(this.attemptKey(req), Date.now());
  }

  /** The cookies of a successful sign-in: the session, and the device cookie (kept, or a new one). */
  cookies(req: FastifyRequest, token: string, ttlSec: number): string[] {
    const device = this.deviceOf(req) ?? newSessionId(Date.now());
    return [
      this.sessionCookie(req, token, ttlSec),
      `${DEVICE_COOKIE}=${this.devices.sign(device)}; Path=/api/v1/admin/login; HttpOnly; SameSite=Strict; Max-Age=${DEVICE_YEAR}${this.secure(req)}`,
    ];
  }

  sessionCookie(req: FastifyRequest, token: string, maxAge: number): string {
    return `${ADMIN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${this.secure(req)}`;
  }

  private secure(req: FastifyRequest): string {
    return this.secureCookies || req.protocol === 'https' ? '; Secure' : '';
  }

  private deviceOf(req: FastifyRequest): string | undefined {
    return this.devices.verify(parseCookies(req.headers.cookie).get(DEVICE_COOKIE));
  }
}
