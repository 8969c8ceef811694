// The sorted merge-join that `merge` (arrays with a key) and `set` (array terms) rely on: both
// sides must already be sorted by the comparison; equal items pair up, the rest pass alone.

export function mergeJoin<A, B>(
  left: readonly A[],
  right: readonly B[],
  compare: (a: A, b: B) => number,
  visit: (l: A | undefined, r: B | undefined, rightIndex: number) => void,
): void {
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j === right.length) visit(left[i++], undefined, -1);
    else if (i === left.length) visit(undefined, right[j], j++);
    else {
      const c = compare(left[i]!, right[j]!);
      if (c < 0) visit(left[i++], undefined, -1);
      else if (c > 0) visit(undefined, right[j], j++);
      else visit(left[i++], right[j], j++);
    }
  }
}
