export default async function globalTeardown(): Promise<void> {
  (globalThis as any).__PEERGATE_PG__?.stop();
}
