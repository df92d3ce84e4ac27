// PeerGate's version and the API-Version header (major.minor).
import pkg from '../../package.json';

export const VERSION: string = pkg.version;
export const API_VERSION: string = VERSION.split('.').slice(0, 2).join('.');
