/**
 * Splits text arriving in chunks into lines, hands each complete line to `onLine`, and remembers
 * the last `max` lines so an error can show what a child process said before it failed.
 */
export class LineTail {
  private partial = '';
  private readonly kept: string[] = [];

  constructor(
    private readonly max: number,
    private readonly onLine: (line: string) => void = () => {},
  ) {}

  push(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const part of parts) this.add(part.endsWith('\r') ? part.slice(0, -1) : part);
  }

  /** Flushes a last line that had no newline. */
  end(): void {
    if (this.partial !== '') this.add(this.partial);
    this.partial = '';
  }

  /** The last lines seen, oldest first, including an unterminated one. */
  lines(): string[] {
    const all = this.partial === '' ? [...this.kept] : [...this.kept, this.partial];
    return all.slice(-this.max);
  }

  private add(line: string): void {
    this.kept.push(line);
    if (this.kept.length > this.max) this.kept.shift();
    this.onLine(line);
  }
}
