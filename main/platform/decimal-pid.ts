// A pid as the stock commands print it: decimal digits only, at most ten (any 32-bit value). A sign, an
// exponent, hex or a fraction, which Number() would take, is no pid.
const PID = /^\d{1,10}$/;

export function decimalPid(text: string): number | undefined {
  return PID.test(text) ? Number(text) : undefined;
}
