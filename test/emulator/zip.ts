/*
 * Zip helpers for deploy and retrieve (jszip): deploy zips arrive base64-encoded in SOAP or as bytes in REST
 * multipart; retrieve answers with a base64 zip in Metadata API format.
 */
import JSZip from 'jszip';

/** The text files of a zip, keyed by path relative to the package root (the folder holding package.xml). */
export async function readZip(data: string | Buffer): Promise<Map<string, string>> {
  const zip = await JSZip.loadAsync(typeof data === 'string' ? Buffer.from(data, 'base64') : data);
  const files = new Map<string, string>();
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    files.set(entry.name.replace(/^\.?\//, ''), await entry.async('string'));
  }
  // With singlePackage=false the package sits in one top folder (unpackaged/ or the package name): strip it.
  const manifest = [...files.keys()].find((p) => p === 'package.xml' || /^[^/]+\/package\.xml$/.test(p));
  const root = manifest && manifest !== 'package.xml' ? manifest.slice(0, -'package.xml'.length) : '';
  if (!root) return files;
  return new Map([...files].filter(([p]) => p.startsWith(root)).map(([p, text]) => [p.slice(root.length), text]));
}

/** A zip of the given text files, base64-encoded. */
export async function writeZip(files: Record<string, string>): Promise<string> {
  const zip = new JSZip();
  for (const [path, text] of Object.entries(files)) zip.file(path, text);
  return zip.generateAsync({ type: 'base64', compression: 'DEFLATE' });
}
