import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, sha256 } from '@app/event-store';

/** What an audit checkpoint signs. */
export interface CheckpointClaim {
  position: string;
  events: number;
  rootHash: string;
}

/**
 * The Ed25519 key that signs audit checkpoints: from `AUDIT_SIGNING_KEY` (a PKCS#8 PEM), or
 * generated once into the data folder. Its public half is published at GET /audit/public-key.
 */
export class AuditSigner {
  readonly publicKey: KeyObject;

  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519')
      throw new Error('AUDIT_SIGNING_KEY must be an Ed25519 private key (PKCS#8 PEM)');
    this.publicKey = createPublicKey(privateKey);
  }

  static fromConfig(pem: string | undefined, dataDir: string): AuditSigner {
    if (pem) return new AuditSigner(createPrivateKey(pem.replace(/\\n/g, '\n')));
    const file = join(dataDir, 'audit-signing-key.pem');
    if (!existsSync(file)) {
      mkdirSync(dataDir, { recursive: true });
      const { privateKey } = generateKeyPairSync('ed25519');
      writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    }
    return new AuditSigner(createPrivateKey(readFileSync(file, 'utf8')));
  }

  sign(claim: CheckpointClaim): string {
    return sign(null, Buffer.from(canonicalJson(claim)), this.privateKey).toString('base64');
  }

  publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  fingerprint(): string {
    return sha256(this.publicKeyPem()).slice(0, 16);
  }
}

/** Checks a checkpoint's signature against a public key (PEM or KeyObject). */
export function checkpointSignatureValid(claim: CheckpointClaim, signature: string, publicKey: KeyObject | string): boolean {
  try {
    return verify(null, Buffer.from(canonicalJson(claim)), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
