/**
 * Removes every secret it has been told about from a piece of text. Used on each log line, ours and
 * nginx's, so that a stream key or a password never reaches a log even when a library prints it.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | null = null;

  add(secret: string | undefined): void {
    if (!secret || secret.length < 6 || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    // Also as it appears inside a JSON string (quotes and backslashes escaped), as pino writes it.
    const inJson = JSON.stringify(secret).slice(1, -1);
    if (inJson !== secret) this.secrets.add(inJson);
    const alternatives = [...this.secrets].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.pattern = new RegExp(alternatives.join('|'), 'g');
  }

  redact(text: string): string {
    return this.pattern ? text.replace(this.pattern, '[REDACTED]') : text;
  }
}
