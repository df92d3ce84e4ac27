// Tells long-lived sessions (graphql-ws subscriptions) that some credential in this process was
// revoked or a user changed, so they check their caller again at once instead of at their next tick.
type Listener = () => void;
const listeners = new Set<Listener>();

export function onCredentialsChanged(fn: Listener): () => void {
  listeners.add(fn);
  return () => { listeners.delete(fn); };
}

export function credentialsChanged(): void {
  for (const fn of listeners) fn();
}
