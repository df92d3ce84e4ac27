// bgp-core public surface: a standalone BGP library (no imports from src/ or rest-compat/).
export * from './wire';
export * from './clock';
export * from './fsm';
export * from './rib';
export * from './peer';
export * from './refusal';
export * from './prefix-limit';
export * from './down-reason';
export * from './speaker';
export * from './bmp';
export * from './thread/client';
