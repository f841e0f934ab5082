/**
 * How the human output of `status` and `login` names a store and a merchant: by name where
 * the AS or the API gave one, always with the id (the id is what support and the API use).
 * The names were escaped where they were received.
 */

export function storeLabel(id: string, name: string | null): string {
  return name ? `“${name}” (${id})` : id;
}

export function merchantLabel(id: string, name: string | null): string {
  return name ? `${name} (${id})` : id;
}
