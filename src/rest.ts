// The REST dialects mount themselves on the app when imported.
import '../rest-compat/peering-manager';
import '../rest-compat/peeringdb';
import '../rest-compat/yabgp';
import '../rest-compat/nsot';
