// Saving a file fetched through the API client (an export, a PDF): a temporary object URL and a
// click on an <a download>. The bytes never pass through a URL the server sees, and the page
// does not navigate.
import type { FileAnswer } from './api.ts';

export function saveFile(file: FileAnswer, fallbackName: string): string {
  const name = file.filename ?? fallbackName;
  const url = URL.createObjectURL(file.blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later, not at once: the browser reads the blob after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}
