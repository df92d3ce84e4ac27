// Faults inside write transactions on a real PostgreSQL: a killed connection, a
// statement timeout and a constraint hit on the last item, each at a seeded item of a
// GraphQL or Peering Manager REST bulk write. Every faulted write must leave no row and
// no change-log row behind, and the same server must then write normally.
// FAULTS_SEED=<n> replays a run; bench/faults/run.ts runs 100 trials.
import { startTestServer, type TestServer } from '../helpers/server';
import { FaultLab, describeTrial } from '../helpers/faults';

const SEED = Number(process.env.FAULTS_SEED ?? 20261124);
const TRIALS = 24;

describe(`write faults on PostgreSQL (FAULTS_SEED=${SEED})`, () => {
  let server: TestServer;
  let lab: FaultLab;
  beforeAll(async () => {
    server = await startTestServer('postgres');
    lab = await FaultLab.open(server);
    // rest-compat prints every internal error; these trials cause them on purpose.
    jest.spyOn(console, 'error').mockImplementation(() => {});
  }, 120_000);
  afterAll(async () => {
    jest.restoreAllMocks();
    await lab?.close();
    await server?.close();
  });

  test.each(Array.from({ length: TRIALS }, (_, i) => i))('trial %i', async (i) => {
    const r = await lab.run(i, SEED);
    expect({ trial: describeTrial(r, SEED), problems: r.problems }).toEqual({ trial: describeTrial(r, SEED), problems: [] });
    expect(r.allOrNone && r.recovered).toBe(true);
  }, 120_000);
});
