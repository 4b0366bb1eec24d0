/*
 * External Client Apps' staged OAuth credentials (docs/salesforce-facts.md#f-eca-staged-credentials): one slot per
 * app's consumer. Staging puts a new key and secret there ("Active"); rotating swaps them with the primary ones, which
 * then sit in the slot as "Rotated"; deleting empties the slot. Credentials in the slot expire 30 days after they got
 * there.
 *
 * Strictest readings taken where the evidence is silent:
 * - a staged ("Active") key does not log in until it is rotated in; a "Rotated" (previous) key logs in until deleted or
 *   expired; an expired one does not;
 * - a slot holding anything (expired included) refuses a new stage until it is deleted;
 * - rotating gives the previous credentials a new id (clients must read the slot again to address them).
 */
import { randomBytes } from 'node:crypto';

export const STAGED_VALIDITY_MS = 30 * 86_400_000;

export type StagedRecord = {
  id: string;
  key: string;
  secret: string;
  /** Active: staged, never primary. Rotated: the previous primary credentials. */
  kind: 'Active' | 'Rotated';
  createdDate: string;
  expirationDate: string;
  createdBy: string;
};

export type StagedState = 'Active' | 'Rotated' | 'Expired';

/** What the slots need from the store that holds the apps. */
export type StagedHost = {
  primaryCredentials(app: string): { key: string; secret?: string } | undefined;
  replacePrimaryCredentials(app: string, key: string, secret: string): void;
  keyTaken(key: string): boolean;
  retireKey(key: string): void;
  newKey(): string;
  newSecret(): string;
  now(): number;
};

export type StagedOutcome = { record: StagedRecord } | { error: string; status: number; errorCode: string };

export class StagedCredentials {
  private slots = new Map<string, StagedRecord>();

  public constructor(private readonly host: StagedHost) {}

  public stateOf(record: StagedRecord): StagedState {
    return Date.parse(record.expirationDate) <= this.host.now() ? 'Expired' : record.kind;
  }

  public slot(app: string): StagedRecord | undefined {
    return this.slots.get(app);
  }

  /** A new key and secret in the app's slot; refused while the slot holds anything. */
  public stage(app: string, createdBy: string): StagedOutcome {
    if (!this.host.primaryCredentials(app)) return { status: 404, errorCode: 'NOT_FOUND', error: 'The requested resource does not exist' };
    if (this.slots.has(app)) {
      return {
        status: 400,
        errorCode: 'INVALID_INPUT',
        error: 'This OAuth consumer already has staged credentials. Delete them before you stage new ones.',
      };
    }
    let key = this.host.newKey();
    while (this.host.keyTaken(key)) key = this.host.newKey();
    const now = this.host.now();
    const record: StagedRecord = {
      id: newId(),
      key,
      secret: this.host.newSecret(),
      kind: 'Active',
      createdDate: new Date(now).toISOString(),
      expirationDate: new Date(now + STAGED_VALIDITY_MS).toISOString(),
      createdBy,
    };
    this.slots.set(app, record);
    return { record };
  }

  /** The staged credentials become primary; the previous primary ones take the slot as Rotated. */
  public rotate(app: string, id: string, rotatedBy: string): StagedOutcome {
    const record = this.slots.get(app);
    if (record?.id !== id) return { status: 404, errorCode: 'NOT_FOUND', error: 'The requested resource does not exist' };
    if (this.stateOf(record) !== 'Active') {
      return { status: 400, errorCode: 'INVALID_INPUT', error: `Staged credentials in state ${this.stateOf(record)} can't be rotated.` };
    }
    const previous = this.host.primaryCredentials(app);
    if (!previous) return { status: 404, errorCode: 'NOT_FOUND', error: 'The requested resource does not exist' };
    this.host.replacePrimaryCredentials(app, record.key, record.secret);
    const now = this.host.now();
    const rotated: StagedRecord = {
      id: newId(),
      key: previous.key,
      secret: previous.secret ?? '',
      kind: 'Rotated',
      createdDate: new Date(now).toISOString(),
      expirationDate: new Date(now + STAGED_VALIDITY_MS).toISOString(),
      createdBy: rotatedBy,
    };
    this.slots.set(app, rotated);
    return { record: rotated };
  }

  /** Empties the slot; its key stops working and is never free again. */
  public delete(app: string, id: string): boolean {
    const record = this.slots.get(app);
    if (record?.id !== id) return false;
    this.slots.delete(app);
    this.host.retireKey(record.key);
    return true;
  }

  /** The app whose previous (Rotated, unexpired) credentials have this key: they still log in. */
  public previousFor(key: string): { app: string; key: string; secret: string } | undefined {
    for (const [app, record] of this.slots) {
      if (record.key === key && this.stateOf(record) === 'Rotated') return { app, key: record.key, secret: record.secret };
    }
    return undefined;
  }

  /** Every key a slot holds: taken, whatever the state. */
  public holdsKey(key: string): boolean {
    return [...this.slots.values()].some((record) => record.key === key);
  }

  /** The app was deleted: its slot goes, and the key with it. */
  public forget(app: string): void {
    const record = this.slots.get(app);
    if (record) this.host.retireKey(record.key);
    this.slots.delete(app);
  }

  public toJSON(): Array<[string, StagedRecord]> {
    return [...this.slots.entries()];
  }

  public restore(entries: Array<[string, StagedRecord]> | undefined): void {
    this.slots = new Map(entries ?? []);
  }
}

/** Staged credential ids: key prefix 0Sc is made up (the real prefix is not published). */
function newId(): string {
  return `0Sc${randomBytes(8).toString('hex').slice(0, 15)}`;
}
