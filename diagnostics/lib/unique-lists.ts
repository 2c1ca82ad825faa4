/**
 * Appends to string lists without duplicates, in constant time per value: thousands of instances
 * share a role or an instance profile, and `list.includes` made the indexes quadratic.
 */
export function uniqueAppender(): (list: string[], value: string | undefined) => void {
  const members = new WeakMap<string[], Set<string>>();
  return (list, value) => {
    if (!value) return;
    let seen = members.get(list);
    if (!seen) members.set(list, (seen = new Set(list)));
    if (seen.has(value)) return;
    seen.add(value);
    list.push(value);
  };
}
