/** Children of each execution's signal, aborted together by that signal's one listener. */
const childrenOf = new WeakMap<AbortSignal, Set<AbortController>>();

export interface ChildAbort {
  controller: AbortController;
  /** Forget the child once its try or wait is over (it is not aborted). */
  release(): void;
}

/**
 * A controller aborted when `parent` aborts, through one listener per parent however many children
 * it has. An execution's signal is shared by every node running or waiting to retry at that moment:
 * a listener of its own each made more than ten on a wide graph (MaxListenersExceededWarning,
 * issue 22), and one per try would add listeners as fast as nodes retry.
 */
export function childAbort(parent: AbortSignal): ChildAbort {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, release: () => undefined };
  }
  let children = childrenOf.get(parent);
  if (!children) {
    const created = new Set<AbortController>();
    children = created;
    childrenOf.set(parent, created);
    parent.addEventListener(
      'abort',
      () => {
        for (const child of created) child.abort(parent.reason);
        created.clear();
      },
      { once: true },
    );
  }
  const set = children;
  set.add(controller);
  return { controller, release: () => void set.delete(controller) };
}
