const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids of items, sessions and files are UUIDs; anything else names nothing (and is not echoed). */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
