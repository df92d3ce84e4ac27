// The server side of bench/read-ratios but the anchor: the bench PeerGate (bench/as-dataset, seeded),
// the floor beside it (bench/as-floor, same process and database), and on PGlite a PostgreSQL
// wire endpoint on the gateway's own PGlite instance (pglite-socket) for PostGraphile to connect
// to. Prints one JSON line (bench/servers) and serves until stdin closes.
import { join } from 'node:path';
import { seedAutonomousSystems, startBenchServer } from '../as-dataset';
import { startFloorServer } from '../as-floor';
import { postmasterPid, serveUntilStdinCloses } from '../servers';
import { anchorRequire } from '../anchor/install';

export interface GatewayReady {
  base: string; token: string; floor: string; db: string; pid: number;
  /** Where PostGraphile connects: the PostgreSQL server, or the socket on PGlite. */
  anchorDatabaseUrl: string;
  /** The PostgreSQL server's postmaster (its CPU is the database's), null on PGlite. */
  postmaster: number | null;
}

async function main(): Promise<void> {
  const bench = await startBenchServer();
  await seedAutonomousSystems(bench.exec);
  const floor = await startFloorServer(bench);
  let socket: { start(): Promise<void>; stop(): Promise<void>; getServerConn(): string } | null = null;
  if (bench.pglite) {
    const { PGLiteSocketServer } = anchorRequire('@electric-sql/pglite-socket');
    socket = new PGLiteSocketServer({ db: bench.pglite, host: '127.0.0.1', port: 0, maxConnections: 8 });
    await socket!.start();
  }
  const ready: GatewayReady = {
    base: bench.base, token: bench.token, floor: floor.base, db: bench.db, pid: process.pid,
    anchorDatabaseUrl: socket ? `postgresql://postgres@${socket.getServerConn()}/postgres` : bench.postgres!.url,
    postmaster: bench.postgres ? postmasterPid(join(bench.postgres.dir, 'data')) : null,
  };
  serveUntilStdinCloses(ready, async () => {
    await socket?.stop();
    await floor.close();
    await bench.close();
  });
}

main().catch((e) => { console.error(e); process.exit(1); });
