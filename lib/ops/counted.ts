/**
 * A count with its noun in the operators' commands' output: "1 session", "3 sessions", never "3 session(s)"
 * (review 39). English only, as the commands are.
 */
export function counted(n: number, one: string, other = `${one}s`): string {
  return `${n} ${n === 1 ? one : other}`;
}
