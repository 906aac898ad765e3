/** Offers a JSON document as a file download. */
export function downloadJson(fileName: string, document: unknown): void {
  const blob = new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = Object.assign(window.document.createElement('a'), { href: url, download: fileName });
  window.document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file name from a character name (`Alrik the Bold.cmchar`). */
export function cmcharName(name: string): string {
  return `${name.replace(/[^\p{L}\p{N} _-]+/gu, '').trim() || 'character'}.cmchar`;
}
