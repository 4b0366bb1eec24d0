/*
 * The certificate the org checks JWT signatures with (docs/salesforce-facts.md#f-jwt-certificate): there, valid now,
 * how long it has left (#f-jwt-certificate-expiry); and, given --jwt-key-file, whether that file is the private key
 * that belongs to it.
 */
import { certificateMatchesKey } from '../../model/certificate.js';
import { certificateExpiryOf, EXPIRY_WARNING_DAYS } from '../../model/certificateExpiry.js';
import type { VerifyCheck, VerifyFacts } from './types.js';
import { unknownSetting } from './appChecks.js';
import { appCommand } from './fixes.js';
import { check } from './messages.js';

const day = (iso: string): string => iso.slice(0, 10);

export function certificateChecks(facts: VerifyFacts): VerifyCheck[] {
  const unknown = unknownSetting(facts, 'certificate', 'certificate');
  if (unknown) return [unknown];
  const certificate = facts.record?.definition.certificate;
  // A new key pair in the plugin's key folder for this app. Not at --jwt-key-file: that file may be another app's key,
  // which rotate-certificate would set aside.
  const rotate = appCommand(facts, 'rotate-certificate');
  if (!certificate) return [check('certificate', 'fail', 'certificate.none', [facts.options.name], rotate)];
  const expiry = certificateExpiryOf(certificate, facts.now);
  if (!expiry) return [check('certificate', 'fail', 'certificate.unreadable', [facts.options.name], rotate)];
  const checks: VerifyCheck[] = [];
  if (expiry.expired) {
    checks.push(check('certificate', 'fail', 'certificate.expired', [day(expiry.notAfter), -expiry.daysLeft - 1], rotate));
  } else if (expiry.notYetValid) {
    checks.push(check('certificate', 'fail', 'certificate.notYetValid', [expiry.notBefore], rotate));
  } else if (expiry.daysLeft < EXPIRY_WARNING_DAYS) {
    checks.push(check('certificate', 'warn', 'certificate.expiresSoon', [day(expiry.notAfter), expiry.daysLeft], rotate));
  } else {
    checks.push(check('certificate', 'pass', 'certificate.valid', [day(expiry.notAfter), expiry.daysLeft]));
  }
  if (facts.keyFile) checks.push(keyFileCheck(facts, certificate, rotate));
  return checks;
}

function keyFileCheck(facts: VerifyFacts, certificate: string, rotate: string): VerifyCheck {
  const keyFile = facts.keyFile!;
  if (keyFile.state === 'missing') return check('key-file', 'fail', 'keyFile.missing', [keyFile.path, keyFile.detail], rotate);
  if (keyFile.state === 'notAKey') return check('key-file', 'fail', 'keyFile.notAKey', [keyFile.path, keyFile.detail], rotate);
  return certificateMatchesKey(certificate, keyFile.key)
    ? check('key-file', 'pass', 'keyFile.matches', [keyFile.path])
    : check('key-file', 'fail', 'keyFile.mismatch', [keyFile.path, facts.options.name], rotate);
}
