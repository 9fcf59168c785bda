/**
 * Finds whether a text contains any of many needles in one pass (Aho–Corasick). The diff masks every
 * displayed string that contains a marked secret; a state can mark thousands of secrets, so testing
 * each one with `includes` would cost secrets × characters for every value shown.
 */
interface Node {
  next: Map<string, Node>;
  fail: Node | null;
  /** A needle ends here, or at a node reachable through `fail`. */
  match: boolean;
}

const newNode = (): Node => ({ next: new Map(), fail: null, match: false });

export class SubstringMatcher {
  private readonly root = newNode();
  private built = true;
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(needle: string): void {
    if (needle === '') return;
    let node = this.root;
    for (const ch of needle) {
      let child = node.next.get(ch);
      if (!child) node.next.set(ch, (child = newNode()));
      node = child;
    }
    if (!node.match) this.count++;
    node.match = true;
    this.built = false;
  }

  /** Breadth-first: each node's failure link is the longest proper suffix that is also a prefix. */
  private build(): void {
    const queue: Node[] = [];
    for (const child of this.root.next.values()) {
      child.fail = this.root;
      queue.push(child);
    }
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i]!;
      for (const [ch, child] of node.next) {
        let fail = node.fail;
        while (fail && !fail.next.has(ch)) fail = fail.fail;
        child.fail = fail ? fail.next.get(ch)! : this.root;
        child.match ||= child.fail.match;
        queue.push(child);
      }
    }
    this.built = true;
  }

  /** True when `text` contains at least one needle. */
  matches(text: string): boolean {
    if (this.count === 0) return false;
    if (!this.built) this.build();
    let node = this.root;
    for (const ch of text) {
      while (node !== this.root && !node.next.has(ch)) node = node.fail!;
      node = node.next.get(ch) ?? this.root;
      if (node.match) return true;
    }
    return false;
  }
}
