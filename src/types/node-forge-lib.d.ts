// node-forge's per-module entry points (lib/asn1.js, lib/util.js) export the same objects as the
// `forge.asn1` / `forge.util` namespaces of the whole library.
declare module 'node-forge/lib/asn1' {
  import { asn1 } from 'node-forge';
  export = asn1;
}
declare module 'node-forge/lib/util' {
  import { util } from 'node-forge';
  export = util;
}
