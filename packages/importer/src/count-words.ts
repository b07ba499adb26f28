/** `n` and the noun, singular or plural: `1 entry`, `3 entries`. */
export function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
