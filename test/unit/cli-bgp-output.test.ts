// What a peer chose (a shutdown communication, a BMP sysName) cannot drive the operator's terminal.
import { terminalSafe } from '../../src/cli/bgp/command';

describe('peergate bgp output', () => {
  test('control characters are escaped; line breaks, tabs and other text stay', () => {
    const hostile = 'maintenance\u001b[2J\u001b]0;owned\u0007 done\r\u009b31m';
    expect(terminalSafe(hostile)).toBe('maintenance\\u001b[2J\\u001b]0;owned\\u0007 done\\u000d\\u009b31m');
    expect(terminalSafe('Peer\tAS\nwartung für Zürich ✓')).toBe('Peer\tAS\nwartung für Zürich ✓');
    // In JSON output the escapes are what JSON.parse reads back.
    expect(JSON.parse(terminalSafe(JSON.stringify({ m: 'a\u009bb' })))).toEqual({ m: 'a\u009bb' });
  });
});
