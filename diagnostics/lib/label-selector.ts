/**
 * A metav1.LabelSelector matched against labels, as the API server does
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements):
 * every matchLabels pair and every matchExpressions requirement must hold; an empty selector
 * matches everything.
 */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function matchesSelector(labels: Record<string, string> | undefined, selector: LabelSelector): boolean {
  const own = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (own[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(own, key);
    switch (operator) {
      case 'In':
        if (!has || !values.includes(own[key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(own[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        // An operator the API server would have refused: match nothing rather than guess.
        return false;
    }
  }
  return true;
}
