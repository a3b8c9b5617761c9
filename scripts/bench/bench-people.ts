/**
 * The bench's people: the n-th seeded user's create input, the same for the
 * 100,000-user seed (seed-users.ts) and the creates on a copy of it
 * (create-users.ts), so that searches such as "ann" match alike.
 */
const FIRST = ["Ann", "Bob", "Carla", "Dev", "Eve", "Femi", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lena", "Milo", "Nia"];
const LAST = ["Smith", "Okafor", "Novak", "Tanaka", "Garcia", "Larsen", "Haddad", "Kowalski", "Mbeki", "Rossi"];
const ROLES = ["user", "user", "user", "auditor", "admin"] as const;

export function benchPerson(n: number) {
  const name = `${FIRST[n % FIRST.length]} ${LAST[Math.floor(n / FIRST.length) % LAST.length]} ${n}`;
  return { is_service_user: false as const, email: `person${n}@bench.example`, name, role: ROLES[n % ROLES.length], auto_groups: [] as string[] };
}
