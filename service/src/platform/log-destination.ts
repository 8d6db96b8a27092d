import fs from 'node:fs';

export interface BatchedLogOptions {
  /** Gathered lines are written once they reach this many bytes… */
  maxBytes?: number;
  /** …or this long after the first of them, whichever comes first. */
  flushMs?: number;
  /** A reader that stopped reading (a full pipe) must not make the service run out of memory: past this, lines are dropped and counted. */
  maxPendingBytes?: number;
}

/**
 * Where pino writes: log lines are gathered and written with one `write` per 16 KiB or per 100 ms,
 * instead of one write per line. Every request writes a line, and a write per line (even to a
 * fast destination) costs more CPU than building the line; gathered, it is a few per cent.
 * At most `flushMs` of lines are held in memory; they are written synchronously when the process
 * exits, so only a SIGKILL can lose them.
 */
export class BatchedLogDestination {
  private parts: string[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing = false;
  private dropped = 0;
  private readonly maxBytes: number;
  private readonly flushMs: number;
  private readonly maxPendingBytes: number;
  private readonly onExit = () => this.flushSync();

  constructor(
    private readonly fd: number,
    options: BatchedLogOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? 16 * 1024;
    this.flushMs = options.flushMs ?? 100;
    this.maxPendingBytes = options.maxPendingBytes ?? 64 * 1024 * 1024;
    process.once('exit', this.onExit);
  }

  /** Opens (appending) a file to log to. */
  static toFile(path: string, options?: BatchedLogOptions): BatchedLogDestination {
    return new BatchedLogDestination(fs.openSync(path, 'a'), options);
  }

  write(line: string): boolean {
    if (this.size + line.length > this.maxPendingBytes) {
      this.dropped += 1;
      return true;
    }
    this.parts.push(line);
    this.size += line.length;
    if (this.size >= this.maxBytes) this.startWrite();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.startWrite(), this.flushMs);
      this.timer.unref();
    }
    return true;
  }

  /**
   * Writes what is gathered with one synchronous write: 16 KiB to a file or pipe takes microseconds,
   * and no thread-pool round trip per batch. Only a non-blocking pipe that is full (EAGAIN) hands
   * the rest to an asynchronous write; lines keep gathering meanwhile and keep their order.
   */
  private startWrite(): void {
    this.clearTimer();
    if (this.writing || this.size === 0) return;
    const buffer = this.take();
    const offset = this.writeSync(buffer);
    if (offset === null) return;
    this.writing = true;
    this.writeOut(buffer, offset);
  }

  /** Writes everything gathered now (process exit, shutdown); waits for nothing. */
  flushSync(): void {
    this.clearTimer();
    const buffer = this.take();
    // At exit there is no later: a full non-blocking pipe is tried until it takes the rest.
    for (let offset = this.writeSync(buffer); offset !== null; offset = this.writeSync(buffer, offset));
  }

  /**
   * Writes from `offset` on; null when done (or the destination is gone: nothing sensible to do with
   * these lines), else the offset reached when a non-blocking pipe was full (EAGAIN).
   */
  private writeSync(buffer: Buffer, offset = 0): number | null {
    try {
      while (offset < buffer.length) offset += fs.writeSync(this.fd, buffer, offset, buffer.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return offset;
    }
    return null;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** pino's logger.flush(callback) calls this: everything gathered is written before the callback. */
  flush(callback?: (error?: Error) => void): void {
    this.flushSync();
    callback?.();
  }

  /** Stops the exit hook (tests and benchmarks that make many destinations). */
  end(): void {
    this.flushSync();
    process.removeListener('exit', this.onExit);
  }

  private take(): Buffer {
    let text = this.parts.join('');
    if (this.dropped > 0) {
      text += `${JSON.stringify({ level: 40, time: Date.now(), msg: `${this.dropped} log lines were dropped: the log destination was not keeping up` })}\n`;
      this.dropped = 0;
    }
    this.parts = [];
    this.size = 0;
    return Buffer.from(text);
  }

  private writeOut(buffer: Buffer, offset: number): void {
    fs.write(this.fd, buffer, offset, buffer.length - offset, null, (error, written) => {
      if (error) {
        if (error.code === 'EAGAIN') {
          setTimeout(() => this.writeOut(buffer, offset), 10).unref();
          return;
        }
        // The destination is gone (closed pipe): nothing sensible to do with these lines.
        this.writing = false;
        return;
      }
      if (offset + written < buffer.length) return this.writeOut(buffer, offset + written);
      this.writing = false;
      if (this.size >= this.maxBytes) this.startWrite();
      else if (this.size > 0 && !this.timer) {
        this.timer = setTimeout(() => this.startWrite(), this.flushMs);
        this.timer.unref();
      }
    });
  }
}
