import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  id: string;
  receivedAt: Date;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/**
 * A real SMTP server on loopback that keeps what it receives: the sandbox's mailbox
 * (shown at /sandbox/mail) and the mail server of the tests, which read mail the way a
 * person's mail client would get it.
 */
export class Mailbox {
  readonly messages: ReceivedMail[] = [];
  #waiters: Array<() => void> = [];
  /** Answer the next N messages with this SMTP error (tests of temporary and permanent failures). */
  rejectNext: Array<{ code: number; message: string }> = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    private readonly capacity: number,
  ) {}

  static async start(options: { port?: number; host?: string; capacity?: number } = {}): Promise<Mailbox> {
    // The server's callbacks need the mailbox, which needs the server's port: filled in below.
    const self: { mailbox?: Mailbox } = {};
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 25 * 1024 * 1024,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const rejection = self.mailbox?.rejectNext.shift();
          if (rejection) {
            const error = new Error(rejection.message) as Error & { responseCode: number };
            error.responseCode = rejection.code;
            callback(error);
            return;
          }
          simpleParser(Buffer.concat(chunks))
            .then((parsed) => {
              self.mailbox?.store({
                id: randomUUID(),
                receivedAt: new Date(),
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                html: typeof parsed.html === 'string' ? parsed.html : '',
              });
              callback();
            })
            .catch((error: Error) => callback(error));
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const address = (server as unknown as { server: { address(): AddressInfo } }).server.address();
    const mailbox = new Mailbox(server, address.port, options.capacity ?? 1000);
    self.mailbox = mailbox;
    return mailbox;
  }

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  private store(mail: ReceivedMail) {
    this.messages.push(mail);
    if (this.messages.length > this.capacity) this.messages.splice(0, this.messages.length - this.capacity);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Waits until a message matching `match` has arrived (the newest one wins). */
  async waitFor(match: (mail: ReceivedMail) => boolean, timeoutMs = 60_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = [...this.messages].reverse().find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('No matching e-mail arrived in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close() {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
