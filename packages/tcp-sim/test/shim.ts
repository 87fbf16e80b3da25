// Test-side re-exports with flag constants, so tests can build segments by hand.
export * from '../src/index.js';
export const FIN_FLAG = 0x01;
export const SYN_FLAG = 0x02;
export const RST_FLAG = 0x04;
export const PSH_FLAG = 0x08;
export const ACK_FLAG = 0x10;
