import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

/**
 * Keys of this installation. One master key (ENCRYPTION_KEY, or generated once into DATA_DIR)
 * gives, through HKDF, the AES-256-GCM key for secrets at rest and the HMAC key for access tokens,
 * so several processes sharing one database agree on both when they share the master key.
 */
export class Keys {
  readonly #encryption: Buffer;
  readonly #signing: Buffer;

  constructor(master: Buffer) {
    if (master.length !== 32) throw new Error('The master key must be 32 bytes');
    this.#encryption = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'msi-actions/encryption/v1', 32));
    this.#signing = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'msi-actions/access-token/v1', 32));
  }

  /** The key from ENCRYPTION_KEY, or the one kept in DATA_DIR (created on first start, mode 0600). */
  static load(options: { encryptionKey?: string; dataDir: string }): Keys {
    if (options.encryptionKey) return new Keys(Buffer.from(options.encryptionKey, 'base64'));
    const file = path.join(options.dataDir, 'keys', 'master.key');
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      try {
        fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        // Another process created it first: use theirs.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    return new Keys(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64'));
  }

  /** AES-256-GCM; the output is `v1.<iv>.<tag>.<ciphertext>` in base64url. */
  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#encryption, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Not an encrypted value');
    const decipher = createDecipheriv('aes-256-gcm', this.#encryption, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  sign(data: string): string {
    return createHmac('sha256', this.#signing).update(data).digest('base64url');
  }

  verifySignature(data: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(data));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/** A random secret for people and machines to copy: URL-safe, 32 bytes of entropy. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 of a high-entropy token (activation links, claim codes): enough for lookups by hash. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

// scrypt cost for client secrets: slow enough to make a stolen hash expensive to attack, fast
// enough for a token endpoint that Salesforce calls once per token lifetime.
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** A slow, salted hash of a secret: `scrypt$<salt>$<hash>`. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt, 32, SCRYPT);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const actual = await scryptAsync(secret, Buffer.from(salt, 'base64url'), 32, SCRYPT);
  const expected = Buffer.from(hash, 'base64url');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A hash that never matches, verified when the client id is unknown so timing says nothing. */
export const DUMMY_SECRET_HASH = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
