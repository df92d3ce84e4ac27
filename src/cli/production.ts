// The `peergate` program runs as production unless told otherwise: graphql-js skips its
// development-mode `instanceOf` checks (2% of a list request's CPU) and express its stack-trace
// pages. Imported first by main.ts, before anything reads NODE_ENV; `npm run dev` sets development.
process.env.NODE_ENV ??= 'production';
