/** Puts `text` on the clipboard; false when the browser refuses (no permission, e.g. plain http): the value stays selectable. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
