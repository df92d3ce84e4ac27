// A Date's ISO text, remembering the last one made: the objects of one write mostly share their
// times (a bulk create's 10,000 `created`, its change records' `time`), so most calls format nothing.
export function isoTexts(): (d: Date) => string {
  let lastTime = Number.NaN;
  let lastText = '';
  return (d) => {
    const time = d.getTime();
    if (time !== lastTime) {
      lastText = d.toISOString();
      lastTime = time;
    }
    return lastText;
  };
}
