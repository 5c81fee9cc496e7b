import { hash, verify } from "@node-rs/argon2";

// OWASP's argon2id baseline (19 MiB, 2 iterations, 1 lane).
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * verifyPassword for sign-in: when there is no hash to check (no such account, or an invited user
 * who has not set a password yet) the same argon2 work is done against a dummy hash, so the answer
 * takes as long as a wrong password and the timing does not reveal which accounts exist.
 */
export async function verifyPasswordEvenly(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    await verifyPassword(await dummyHash(), password);
    return false;
  }
  return verifyPassword(passwordHash, password);
}

/** A fixed hash to verify against when the account does not exist, so timing does not reveal it. */
let dummy: Promise<string> | undefined;
export function dummyHash() {
  dummy ??= hashPassword("not-a-real-password-for-timing");
  return dummy;
}
