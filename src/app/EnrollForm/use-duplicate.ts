/**
 * The same person already on this device, looked up as soon as the ID number is complete and valid
 * (the outbox's index of ID hashes), so staff hear it before they type the rest.
 */
import { useEffect, useState } from 'preact/hooks';
import { findByIdNumber, type OutboxEntry } from '../../offline/outbox';

/** The entry this valid ID number already has here (other than `exceptId`), or null. */
export function useDuplicate(validId: string | undefined, exceptId: string | undefined) {
  const [duplicate, setDuplicate] = useState<OutboxEntry | null>(null);
  useEffect(() => {
    let alive = true;
    if (!validId) {
      setDuplicate(null);
      return;
    }
    findByIdNumber(validId, exceptId).then(
      (found) => alive && setDuplicate(found ?? null),
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [validId, exceptId]);
  return [duplicate, setDuplicate] as const;
}
