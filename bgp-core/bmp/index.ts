// BMP (RFC 7854): codec, per-router state and the TCP station.
export * from './codec';
export * from './state';
export * from './station';
